import type { FlowDocument } from './flow-document';
import { testCatalog, validFlow } from './test-catalog.spec-helper';
import { validateFlow } from './validate-flow';

/** trigger -> setvar(coupon) -> a -> b, with `b`'s text under test. */
function chain(text: string, bText = 'ok'): FlowDocument {
  const flow = validFlow();
  flow.nodes = [
    { id: 't', type: 'test.trigger', typeVersion: 1, position: { x: 0, y: 0 }, config: { keyword: 'price' } },
    { id: 'set', type: 'test.setvar', typeVersion: 1, position: { x: 0, y: 0 }, config: { name: 'coupon', value: 'X1' } },
    { id: 'a', type: 'test.action', typeVersion: 1, position: { x: 0, y: 0 }, config: { text } },
    { id: 'b', type: 'test.action', typeVersion: 1, position: { x: 0, y: 0 }, config: { text: bText } },
  ];
  flow.edges = [
    { id: 'e1', source: 't', sourceOutput: 'next', target: 'set' },
    { id: 'e2', source: 'set', sourceOutput: 'next', target: 'a' },
    { id: 'e3', source: 'a', sourceOutput: 'next', target: 'b' },
  ];
  return flow;
}

describe('validateFlow: variables in templates and rules', () => {
  it.each([
    'Hi {{ contact.first_name | "there" }}',
    'Size {{ contact.fields.size }}',
    'You said {{ event.text }}',
    'Payload {{ event.data.order.id }}',
    'Code {{ vars.coupon }}',
    'Last order {{ crm.last_order.total | money }} {{ crm.last_order.created_at | ago }}',
    'Today {{ now | date }}',
  ])('accepts %s', (text) => {
    expect(validateFlow(chain(text), testCatalog)).toEqual([]);
  });

  it('accepts outputs of upstream steps and refuses downstream ones', () => {
    expect(validateFlow(chain('ok', 'From a: {{ steps.a.result }}'), testCatalog)).toEqual([]);
    expect(validateFlow(chain('From b: {{ steps.b.result }}'), testCatalog)).toEqual([
      expect.objectContaining({ code: 'unknown_variable', nodeId: 'a', field: 'text' }),
    ]);
  });

  it.each([
    ['a misspelt contact field', '{{ contact.frist_name }}'],
    ['a variable no step sets', '{{ vars.discount }}'],
    ['an unknown namespace', '{{ customer.name }}'],
    ['a field the trigger does not produce', '{{ event.order_total }}'],
  ])('names the node and field for %s', (_label, text) => {
    const issues = validateFlow(chain(`Hello ${text}`), testCatalog);
    expect(issues).toEqual([expect.objectContaining({ code: 'unknown_variable', nodeId: 'a', field: 'text' })]);
    expect(issues[0]?.message).toContain(text.replace(/[{} ]/g, '').split('|')[0] ?? '');
  });

  it('refuses a template that does not parse', () => {
    expect(validateFlow(chain('Hi {{ contact.first_name'), testCatalog)).toEqual([
      expect.objectContaining({ code: 'invalid_template', nodeId: 'a', field: 'text' }),
    ]);
  });

  it('checks the data a JSONLogic rule reads', () => {
    const flow = validFlow();
    flow.nodes.push({
      id: 'c',
      type: 'test.condition',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config: { rule: { and: [{ '==': [{ var: 'contact.list' }, 'vip'] }, { '>': [{ var: ['contact.fields.visits', 0] }, 2] }] } },
    });
    flow.edges.push({ id: 'e2', source: 'a', sourceOutput: 'next', target: 'c' });
    expect(validateFlow(flow, testCatalog)).toEqual([]);
    const bad = flow.nodes.find((n) => n.id === 'c');
    if (!bad) throw new Error('fixture');
    bad.config = { rule: { '==': [{ var: 'contact.vip_level' }, 1] } };
    expect(validateFlow(flow, testCatalog)).toEqual([expect.objectContaining({ code: 'unknown_variable', nodeId: 'c', field: 'rule' })]);
  });

  it('lets any node connect its error output', () => {
    const flow = chain('ok');
    flow.edges.push({ id: 'e4', source: 'a', sourceOutput: 'error', target: 'b' });
    flow.edges = flow.edges.filter((e) => e.id !== 'e3');
    expect(validateFlow(flow, testCatalog)).toEqual([]);
    flow.edges.push({ id: 'e5', source: 't', sourceOutput: 'error', target: 'b' });
    expect(validateFlow(flow, testCatalog)).toEqual([expect.objectContaining({ code: 'edge_unknown_output', nodeId: 't' })]);
  });
});
