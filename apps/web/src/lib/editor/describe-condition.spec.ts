import { type ConditionRow, COMPARISONS, defaultRow, FIELD_OPERATORS, groupToRule, type ConditionItem } from './condition-model';
import { describeCondition } from './describe-condition';

/** The rule the condition builder writes for these rows (AND). */
function built(...items: ConditionItem[]): unknown {
  return groupToRule({ kind: 'group', combinator: 'and', items });
}

function says(row: ConditionRow): string | null {
  return describeCondition(built(row));
}

describe('describeCondition', () => {
  it('reads flow 1’s rule as a sentence', () => {
    const rule = { and: [{ '>=': [{ events_count: [{ intent: 'price' }, '7d'] }, 3] }, { '!': { has_tag: ['coupon-high-intent'] } }] };
    expect(describeCondition(rule)).toBe('asked about price 3+ times in 7 days and has no “coupon-high-intent” tag');
  });

  it('reads every field comparison the builder writes', () => {
    const field = (operator: (typeof FIELD_OPERATORS)[number], value = 'vip') =>
      says({ kind: 'field', field: 'contact.list', operator, value });
    expect(FIELD_OPERATORS.map((operator) => field(operator))).toEqual([
      'contact list is “vip”',
      'contact list is not “vip”',
      'contact list is more than “vip”',
      'contact list is at least “vip”',
      'contact list is less than “vip”',
      'contact list is at most “vip”',
      'contact list contains “vip”',
      'contact list is set',
      'contact list is empty',
    ]);
    expect(says({ kind: 'field', field: 'crm.order_total', operator: '>', value: '100' })).toBe('crm order total is more than 100');
    expect(says({ kind: 'field', field: 'event.text', operator: 'contains', value: 'sofa' })).toBe('message text contains “sofa”');
  });

  it('reads behaviour over time: how many times in a window, with every comparison and window unit', () => {
    const count = (operator: (typeof COMPARISONS)[number], count: number) =>
      says({ kind: 'events_count', filter: { key: 'intent', value: 'price' }, amount: 7, unit: 'd', operator, count });
    expect(COMPARISONS.map((operator) => count(operator, 3))).toEqual([
      'asked about price exactly 3 times in 7 days',
      'asked about price not exactly 3 times in 7 days',
      'asked about price more than 3 times in 7 days',
      'asked about price 3+ times in 7 days',
      'asked about price fewer than 3 times in 7 days',
      'asked about price at most 3 times in 7 days',
    ]);
    expect(count('>=', 1)).toBe('asked about price at least once in 7 days');
    expect(count('==', 0)).toBe('never asked about price in 7 days');
    expect(count('<', 1)).toBe('never asked about price in 7 days');
    expect(count('>', 2)).toBe('asked about price more than twice in 7 days');
    const window = (amount: number, unit: 'm' | 'h' | 'd' | 'w' | 'all') =>
      says({ kind: 'events_count', filter: { key: 'type', value: 'order.created' }, amount, unit, operator: '>=', count: 2 });
    expect([window(30, 'm'), window(1, 'h'), window(2, 'w'), window(0, 'all')]).toEqual([
      'placed an order 2+ times in 30 minutes',
      'placed an order 2+ times in 1 hour',
      'placed an order 2+ times in 2 weeks',
      'placed an order 2+ times ever',
    ]);
  });

  it('names what the customer did for every event filter', () => {
    const did = (key: 'intent' | 'type' | 'text_contains' | 'reply_id' | 'any', value: string) =>
      says({ kind: 'events_count', filter: { key, value }, amount: 1, unit: 'd', operator: '>=', count: 1 });
    expect([
      did('intent', 'shipping'),
      did('type', 'link.clicked'),
      did('type', 'custom.thing'),
      did('text_contains', 'sofa'),
      did('reply_id', 'yes'),
      did('any', ''),
    ]).toEqual([
      'asked about shipping at least once in 1 day',
      'clicked a link at least once in 1 day',
      'had a “custom.thing” event at least once in 1 day',
      'wrote “sofa” at least once in 1 day',
      'tapped “yes” at least once in 1 day',
      'did anything at least once in 1 day',
    ]);
  });

  it('reads time since the last event, in a row, tags, intents and the conversation’s mood', () => {
    expect(says(defaultRow('since_last'))).toBe('last placed an order 72+ hours ago');
    expect(says({ kind: 'since_last', filter: { key: 'intent', value: 'price' }, unit: 'd', operator: '<', amount: 2 })).toBe(
      'last asked about price less than 2 days ago',
    );
    expect(says({ kind: 'since_last', filter: { key: 'any', value: '' }, unit: 'm', operator: '<=', amount: 1 })).toBe(
      'last did anything at most 1 minute ago',
    );
    expect(says(defaultRow('consecutive'))).toBe('asked about price 2 times in a row');
    expect(says({ kind: 'has_tag', tag: 'vip', negate: false })).toBe('has the “vip” tag');
    expect(says({ kind: 'has_tag', tag: 'vip', negate: true })).toBe('has no “vip” tag');
    expect(says({ kind: 'intent', intent: 'price', negate: false })).toBe('the message is about price');
    expect(says({ kind: 'intent', intent: 'price', negate: true })).toBe('the message is not about price');
    expect(says(defaultRow('sentiment'))).toBe('the conversation’s mood (0 negative, 1 positive) is less than 0.3');
  });

  it('joins groups with and/or, nested groups in brackets', () => {
    const vip = { kind: 'has_tag', tag: 'vip', negate: false } as const;
    const price = { kind: 'intent', intent: 'price', negate: false } as const;
    const stop = { kind: 'intent', intent: 'stop', negate: true } as const;
    expect(describeCondition(groupToRule({ kind: 'group', combinator: 'or', items: [vip, price, stop] }))).toBe(
      'has the “vip” tag, the message is about price, or the message is not about stop',
    );
    expect(describeCondition(built(vip, { kind: 'group', combinator: 'or', items: [price, stop] }))).toBe(
      'has the “vip” tag and (the message is about price or the message is not about stop)',
    );
    expect(describeCondition({ and: [] })).toBe('always');
  });

  it('gives up (null) on a rule only the raw JSONLogic view can show', () => {
    expect(describeCondition({ '+': [1, 2] })).toBeNull();
    expect(describeCondition('not a rule')).toBeNull();
  });
});
