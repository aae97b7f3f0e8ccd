import { estimateCampaign } from './campaign-estimate';

const base = { batchAbovePercent: 80, messagesPerSecond: 80 };

describe('estimateCampaign', () => {
  it('sends everything at once below the batching threshold', () => {
    expect(estimateCampaign({ ...base, recipients: 500, newBusinessInitiated: 400, usedLast24h: 100, dailyLimit: 1000 })).toEqual({
      verdict: 'at_once',
      atOnce: 500,
      spreadOverDay: 0,
      beyondLimit: 0,
      limitUsePercent: 50,
      atOnceSeconds: 7,
    });
  });

  it('spreads the recipients between 80 % and the limit over the day', () => {
    // 700 used: 100 places below the threshold (800), 200 between it and the limit.
    expect(estimateCampaign({ ...base, recipients: 350, newBusinessInitiated: 250, usedLast24h: 700, dailyLimit: 1000 })).toEqual({
      verdict: 'batched',
      atOnce: 200,
      spreadOverDay: 150,
      beyondLimit: 0,
      limitUsePercent: 95,
      atOnceSeconds: 3,
    });
  });

  it('holds recipients beyond the limit until places free up', () => {
    expect(estimateCampaign({ ...base, recipients: 2000, newBusinessInitiated: 1500, usedLast24h: 0, dailyLimit: 1000 })).toEqual({
      verdict: 'over_limit',
      atOnce: 1300,
      spreadOverDay: 200,
      beyondLimit: 500,
      limitUsePercent: 100,
      atOnceSeconds: 17,
    });
  });

  it('counts contacts inside their service window as free, even at the limit', () => {
    expect(estimateCampaign({ ...base, recipients: 90, newBusinessInitiated: 0, usedLast24h: 1000, dailyLimit: 1000 })).toMatchObject({
      verdict: 'at_once',
      atOnce: 90,
      beyondLimit: 0,
    });
  });

  it('has no budget without a limit, only throughput', () => {
    expect(estimateCampaign({ ...base, recipients: 8000, newBusinessInitiated: 8000, usedLast24h: 0, dailyLimit: null })).toEqual({
      verdict: 'at_once',
      atOnce: 8000,
      spreadOverDay: 0,
      beyondLimit: 0,
      limitUsePercent: null,
      atOnceSeconds: 100,
    });
  });

  it('never loses or invents a recipient', () => {
    for (let i = 0; i < 500; i += 1) {
      const recipients = Math.floor(Math.random() * 5000);
      const facts = {
        recipients,
        newBusinessInitiated: Math.floor(Math.random() * (recipients + 1)),
        usedLast24h: Math.floor(Math.random() * 3000),
        dailyLimit: Math.random() < 0.2 ? null : Math.floor(Math.random() * 3000),
        batchAbovePercent: 1 + Math.floor(Math.random() * 100),
        messagesPerSecond: 1 + Math.floor(Math.random() * 1000),
      };
      const e = estimateCampaign(facts);
      expect(e.atOnce + e.spreadOverDay + e.beyondLimit).toBe(recipients);
      expect(Math.min(e.atOnce, e.spreadOverDay, e.beyondLimit)).toBeGreaterThanOrEqual(0);
    }
  });
});
