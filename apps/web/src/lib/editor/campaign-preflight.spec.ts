import { describePreflight, type ScheduledPreflight } from './campaign-preflight';

const base: ScheduledPreflight = {
  scheduled: true,
  nextRunAt: '2026-12-09T13:00:00.000Z',
  timeZone: 'Europe/Rome',
  sendsMessages: true,
  recipients: 15,
  newBusinessInitiated: 12,
  usedLast24h: 0,
  dailyLimit: 10,
  batchAbovePercent: 80,
  messagesPerSecond: 80,
  number: '+39 02 1234 5678',
  estimate: { verdict: 'over_limit', atOnce: 11, spreadOverDay: 2, beyondLimit: 2, limitUsePercent: 100, atOnceSeconds: 1 },
};

describe('describePreflight', () => {
  it('says when, for whom, what the limit does and how fast, in the flow time zone', () => {
    expect(describePreflight(base)).toEqual([
      'Next run: Wed 9 Dec, 14:00 (Europe/Rome), for 15 contacts as of now.',
      '12 contacts have not written in the last 24 hours, so each takes a place in the daily limit of 10 recipients for +39 02 1234 5678 (0 used in the last 24 hours).',
      '11 messages go out at once (about 1 s at 80 messages/s).',
      '2 are spread over the next 24 hours: past 80 % of the daily limit, new recipients are sent in batches.',
      '2 wait beyond the limit, until earlier recipients leave the 24-hour window. Narrow the audience or raise the limit to reach them sooner.',
    ]);
  });

  it('keeps it short when everything goes at once, and when nothing is sent', () => {
    const small = {
      ...base,
      recipients: 1,
      newBusinessInitiated: 1,
      estimate: { ...base.estimate, verdict: 'at_once' as const, atOnce: 1, spreadOverDay: 0, beyondLimit: 0 },
    };
    expect(describePreflight(small).at(-1)).toBe('All 1 message goes out at once, in about 1 s at 80 messages/s.');
    expect(describePreflight({ ...small, newBusinessInitiated: 0 })[1]).toBe(
      'All of them wrote in the last 24 hours, so none takes a place in the daily limit of 10 recipients for +39 02 1234 5678.',
    );
    expect(describePreflight({ ...base, sendsMessages: false })).toHaveLength(2);
    expect(describePreflight({ ...base, recipients: 0 })[1]).toBe(
      'Nobody matches the audience now, so the run would send nothing. Check the tags and the list of the trigger.',
    );
  });
});
