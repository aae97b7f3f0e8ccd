import { summarizeNodeConfig } from './summarize-node-config';

describe('summarizeNodeConfig', () => {
  it('shows a condition as a sentence, never as raw JSONLogic', () => {
    const rule = { and: [{ '>=': [{ events_count: [{ intent: 'price' }, '7d'] }, 3] }, { '!': { has_tag: ['coupon-high-intent'] } }] };
    const summary = summarizeNodeConfig('condition.if', { rule });
    expect(summary).toBe('Asked about price 3+ times in 7 days and has no “coupon-high-intent” tag');
    expect(summary).not.toMatch(/events_count|[{[]/);
    expect(summarizeNodeConfig('condition.if', { rule: { '+': [1, 2] } })).toBe('A custom rule: open the step to read it');
  });

  it('shows a coupon’s discount, campaign, prefix and validity', () => {
    expect(
      summarizeNodeConfig('coupon.generate', {
        campaign: 'high-intent-10',
        prefix: 'PRICE',
        percentOff: 10,
        amountOff: null,
        currency: '',
        validDays: 14,
      }),
    ).toBe('10% off · campaign “high-intent-10” · code PRICE-… · valid 14 days');
    expect(
      summarizeNodeConfig('coupon.generate', {
        campaign: 'store-visit-15',
        prefix: '',
        percentOff: null,
        amountOff: 15,
        currency: 'USD',
        validDays: null,
      }),
    ).toBe('15 USD off · campaign “store-visit-15”');
  });
});
