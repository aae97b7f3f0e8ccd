import { logicRuleProblems, parseWindow } from './logic-rules';

describe('logic rules', () => {
  it('parses windows', () => {
    expect([parseWindow('7d'), parseWindow('72h'), parseWindow('30m'), parseWindow('2w'), parseWindow(90), parseWindow('all')]).toEqual([
      604_800,
      259_200,
      1800,
      1_209_600,
      90,
      null,
    ]);
    expect([parseWindow('7 days'), parseWindow(-1), parseWindow('d7'), parseWindow(null)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('accepts the conditions of the product flows', () => {
    for (const rule of [
      { '>=': [{ events_count: [{ type: 'message.received', intent: 'price' }, '7d'] }, 3] },
      { consecutive: [{ text_contains: 'too expensive' }, 2] },
      { '>': [{ since_last: [{ type: 'order.created' }, 'h'] }, 72] },
      { and: [{ '<=': [{ events_count: [{ type: 'message.received' }, '7d'] }, 1] }, { '<': [{ conversation_sentiment: [] }, 0.3] }] },
      { intent: [{ var: 'event.text' }, 'price'] },
      { '!': { has_tag: ['vip'] } },
      { in: ['sofa', { var: 'event.text' }] },
    ]) {
      expect({ rule, problems: logicRuleProblems(rule) }).toEqual({ rule, problems: [] });
    }
  });

  it.each([
    [{ teleport: [1] }, 'unknown operator "teleport"'],
    [{ events_count: [{ intent: 'price' }, '7 days'] }, 'window'],
    [{ events_count: [{ colour: 'red' }, '7d'] }, 'unknown filter key "colour"'],
    [{ consecutive: [{ intent: 'x' }, 0] }, 'n must be'],
    [{ since_last: [{ type: 'order.created' }, 'years'] }, 'unit'],
    [{ intent: [{ var: 'event.text' }] }, 'name an intent'],
    [{ '==': [1, 1], '!=': [1, 2] }, 'exactly one operator'],
  ])('explains what is wrong with %j', (rule, message) => {
    expect(logicRuleProblems(rule).join('; ')).toContain(message);
  });
});
