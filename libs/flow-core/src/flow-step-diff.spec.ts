import { diffFlowSteps } from './flow-step-diff';

const node = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'whatsapp.send_message',
  typeVersion: 1,
  config: { text: 'a' },
  ...extra,
});

describe('diffFlowSteps', () => {
  it('finds added, removed and changed steps and connections, ignoring key order and positions', () => {
    const before = {
      nodes: [node('a', { position: { x: 0, y: 0 } }), node('b'), node('c', { config: { x: 1, y: 2 } })],
      edges: [{ source: 'a', sourceOutput: 'next', target: 'b' }],
      settings: { reentry: 'never' },
    };
    const after = {
      nodes: [node('a', { position: { x: 90, y: 40 } }), node('c', { config: { y: 2, x: 1 }, label: 'Reply' }), node('d')],
      edges: [{ source: 'a', sourceOutput: 'next', target: 'c' }],
      settings: { reentry: 'never' },
    };
    const diff = diffFlowSteps(before, after);
    expect(diff.added.map((n) => n.id)).toEqual(['d']);
    expect(diff.removed.map((n) => n.id)).toEqual(['b']);
    expect(diff.changed.map((c) => [c.node.id, c.what])).toEqual([['c', ['name']]]);
    expect(diff.edgesAdded).toEqual([{ source: 'a', sourceOutput: 'next', target: 'c' }]);
    expect(diff.edgesRemoved).toEqual([{ source: 'a', sourceOutput: 'next', target: 'b' }]);
    expect(diff.settingsChanged).toBe(false);
  });

  it('names every kind of change of a kept step, and a change of the flow settings', () => {
    const diff = diffFlowSteps(
      { nodes: [node('a')], edges: [], settings: {} },
      {
        nodes: [node('a', { typeVersion: 2, label: 'x', config: { text: 'b' }, settings: { retry: { maxAttempts: 5 } } })],
        edges: [],
        settings: { quiet: true },
      },
    );
    expect(diff.changed[0]?.what).toEqual(['type', 'name', 'settings', 'retry policy']);
    expect(diff.settingsChanged).toBe(true);
  });
});
