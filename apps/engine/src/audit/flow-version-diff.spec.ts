import { describeFlowChange, parseDiffableFlow } from './flow-version-diff';

function flow(nodes: { id: string; type: string; label?: string; config?: Record<string, unknown> }[], edges: [string, string, string][]) {
  const parsed = parseDiffableFlow({
    nodes: nodes.map((n) => ({ typeVersion: 1, position: { x: 0, y: 0 }, config: {}, ...n })),
    edges: edges.map(([source, sourceOutput, target], i) => ({ id: `e${i}`, source, sourceOutput, target })),
  });
  if (!parsed) throw new Error('not a flow');
  return parsed;
}

describe('describeFlowChange', () => {
  const v1 = flow(
    [
      { id: 't', type: 'trigger.manual', label: 'Start' },
      { id: 's', type: 'whatsapp.send_text', label: 'Say hi', config: { text: 'Hi' } },
    ],
    [['t', 'next', 's']],
  );

  it('names the steps of a first version', () => {
    expect(describeFlowChange(null, v1)).toEqual([expect.stringMatching(/^First version: 2 steps \(“Start” .* and “Say hi” .*\)\.$/)]);
  });

  it('says which steps and connections were added, removed and changed, and ignores moves and key order', () => {
    const v2 = flow(
      [
        { id: 't', type: 'trigger.manual', label: 'Start' },
        { id: 's', type: 'whatsapp.send_text', label: 'Say hello', config: { text: 'Hello' } },
        { id: 'e', type: 'control.end', label: 'Done' },
      ],
      [
        ['t', 'next', 's'],
        ['s', 'next', 'e'],
      ],
    );
    expect(describeFlowChange(v1, v2)).toEqual([
      expect.stringMatching(/^Added the step “Done” \(.+\)\.$/),
      expect.stringMatching(/^Changed its name \(was “Say hi”\) and its settings of the step “Say hello” \(.+\)\.$/),
      expect.stringMatching(/^Connected “Say hello” .* \(next\) to “Done” .*\.$/),
    ]);
    const back = describeFlowChange(v2, v1);
    expect(back).toContainEqual(expect.stringMatching(/^Removed the step “Done”/));
    expect(back).toContainEqual(expect.stringMatching(/^Disconnected “Say hi” .* \(next\) to “Done”/));
  });

  it('finds nothing in a version that only moved steps or reordered keys', () => {
    const moved = parseDiffableFlow({
      nodes: [
        { config: {}, position: { x: 5, y: 9 }, typeVersion: 1, label: 'Start', type: 'trigger.manual', id: 't' },
        { id: 's', type: 'whatsapp.send_text', typeVersion: 1, label: 'Say hi', position: { x: 1, y: 1 }, config: { text: 'Hi' } },
      ],
      edges: [{ id: 'other', target: 's', sourceOutput: 'next', source: 't' }],
    });
    expect(moved && describeFlowChange(v1, moved)).toEqual([]);
  });
});
