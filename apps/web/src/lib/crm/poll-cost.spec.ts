import { describeInterval, describePollCost, pollRequestsPerDay } from './poll-cost';

describe('Salesforce poll cost', () => {
  it('counts one request a day per poll, rounding a part interval up', () => {
    expect(pollRequestsPerDay(1500)).toBe(57_600);
    expect(pollRequestsPerDay(5000)).toBe(17_280);
    expect(pollRequestsPerDay(500)).toBe(172_800);
    expect(pollRequestsPerDay(7000)).toBe(12_343);
  });

  it('gives the share of the daily allocation when the CRM reported it', () => {
    expect(describePollCost(1500, 100_000)).toBe('57,600 API requests a day (57.6 % of the 100,000 allowed)');
    expect(describePollCost(5000, null)).toBe('17,280 API requests a day');
  });

  it('writes the interval in the unit an admin reads', () => {
    expect(describeInterval(1500)).toBe('1.5 s');
    expect(describeInterval(5000)).toBe('5 s');
    expect(describeInterval(600_000)).toBe('10 min');
    expect(describeInterval(86_400_000)).toBe('24 h');
  });
});
