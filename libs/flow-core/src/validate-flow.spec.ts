import type { FlowDocument } from './flow-document';
import type { FlowIssue } from './flow-issue';
import { testCatalog, validFlow } from './test-catalog.spec-helper';
import { validateFlow } from './validate-flow';

function codes(issues: FlowIssue[]): string[] {
  return issues.map((i) => i.code);
}

function withNode(flow: FlowDocument, node: FlowDocument['nodes'][number]): FlowDocument {
  return { ...flow, nodes: [...flow.nodes, node] };
}

describe('validateFlow', () => {
  it('accepts a connected flow with one trigger', () => {
    expect(validateFlow(validFlow(), testCatalog)).toEqual([]);
  });

  it('reports an unknown node type by node', () => {
    const flow = withNode(validFlow(), {
      id: 'x',
      type: 'test.nope',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config: {},
    });
    flow.edges.push({ id: 'e2', source: 'a', sourceOutput: 'next', target: 'x' });
    const issues = validateFlow(flow, testCatalog);
    expect(issues).toEqual([expect.objectContaining({ code: 'unknown_node_type', nodeId: 'x', field: 'type' })]);
    expect(issues[0]?.message).toContain('test.nope');
  });

  it('reports an unknown version of a known type with the latest version', () => {
    const flow = validFlow();
    const second = flow.nodes[1];
    if (!second) throw new Error('fixture');
    second.typeVersion = 7;
    const issues = validateFlow(flow, testCatalog);
    expect(issues[0]?.message).toContain('latest is 2');
  });

  it('validates config against the pinned version and names the field', () => {
    const flow = validFlow();
    const second = flow.nodes[1];
    if (!second) throw new Error('fixture');
    second.config = { text: 'x'.repeat(101) };
    const issues = validateFlow(flow, testCatalog);
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid_config', nodeId: 'a', field: 'text' })]);
    expect(issues[0]?.message).toContain('"Test action" (a)');
    second.typeVersion = 2;
    expect(validateFlow(flow, testCatalog)).toEqual([]);
  });

  it('runs the definition validate hook and attributes its issues to the node', () => {
    const flow = withNode(validFlow(), {
      id: 's',
      type: 'test.split',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config: { branches: ['a', 'a'] },
    });
    flow.edges.push({ id: 'e2', source: 'a', sourceOutput: 'next', target: 's' });
    expect(validateFlow(flow, testCatalog)).toEqual([expect.objectContaining({ code: 'invalid_config', nodeId: 's', field: 'branches' })]);
  });

  it('requires a trigger', () => {
    const flow = validFlow();
    flow.nodes = flow.nodes.filter((n) => n.id !== 't');
    flow.edges = [];
    expect(codes(validateFlow(flow, testCatalog))).toEqual(['trigger_missing']);
  });

  it('refuses a second trigger', () => {
    const flow = withNode(validFlow(), {
      id: 't2',
      type: 'test.trigger',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config: { keyword: 'x' },
    });
    expect(validateFlow(flow, testCatalog)).toEqual([expect.objectContaining({ code: 'trigger_multiple', nodeId: 't2' })]);
  });

  it('reports edges to missing nodes and unknown outputs', () => {
    const flow = validFlow();
    flow.edges.push({ id: 'e2', source: 'a', sourceOutput: 'next', target: 'ghost' });
    flow.edges.push({ id: 'e3', source: 't', sourceOutput: 'maybe', target: 'a' });
    const issues = validateFlow(flow, testCatalog);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'edge_unknown_node', edgeId: 'e2' }),
        expect.objectContaining({ code: 'edge_unknown_output', edgeId: 'e3', nodeId: 't' }),
      ]),
    );
  });

  it('accepts outputs that come from config and rejects others', () => {
    const flow = withNode(validFlow(), {
      id: 's',
      type: 'test.split',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config: { branches: ['left', 'right'] },
    });
    flow.edges.push({ id: 'e2', source: 'a', sourceOutput: 'next', target: 's' });
    flow.nodes.push({ id: 'l', type: 'test.action', typeVersion: 1, position: { x: 0, y: 0 }, config: { text: 'l' } });
    flow.edges.push({ id: 'e3', source: 's', sourceOutput: 'left', target: 'l' });
    expect(validateFlow(flow, testCatalog)).toEqual([]);
    flow.edges.push({ id: 'e4', source: 's', sourceOutput: 'middle', target: 'l' });
    expect(codes(validateFlow(flow, testCatalog))).toEqual(['edge_unknown_output']);
  });

  it('allows one edge per output', () => {
    const flow = withNode(validFlow(), {
      id: 'b',
      type: 'test.action',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config: { text: 'b' },
    });
    flow.edges.push({ id: 'e2', source: 't', sourceOutput: 'next', target: 'b' });
    expect(validateFlow(flow, testCatalog)).toEqual([
      expect.objectContaining({ code: 'output_multiple_edges', edgeId: 'e2', nodeId: 't' }),
    ]);
  });

  it('refuses an edge into the trigger', () => {
    const flow = validFlow();
    flow.edges.push({ id: 'e2', source: 'a', sourceOutput: 'next', target: 't' });
    expect(codes(validateFlow(flow, testCatalog))).toContain('edge_into_trigger');
  });

  it('reports nodes the trigger cannot reach', () => {
    const flow = withNode(validFlow(), {
      id: 'lonely',
      type: 'test.action',
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config: { text: 'x' },
    });
    expect(validateFlow(flow, testCatalog)).toEqual([expect.objectContaining({ code: 'node_unreachable', nodeId: 'lonely' })]);
  });

  it('refuses a loop without a wait and accepts one through a wait', () => {
    const flow = validFlow();
    flow.nodes.push({ id: 'c', type: 'test.condition', typeVersion: 1, position: { x: 0, y: 0 }, config: {} });
    flow.edges.push({ id: 'e2', source: 'a', sourceOutput: 'next', target: 'c' });
    flow.edges.push({ id: 'e3', source: 'c', sourceOutput: 'true', target: 'a' });
    const issues = validateFlow(flow, testCatalog);
    expect(issues).toEqual([expect.objectContaining({ code: 'cycle_without_wait' })]);
    expect(issues[0]?.message).toMatch(/a -> c|c -> a/);

    flow.nodes.push({ id: 'w', type: 'test.wait', typeVersion: 1, position: { x: 0, y: 0 }, config: { minutes: 5 } });
    flow.edges = flow.edges.filter((e) => e.id !== 'e3');
    flow.edges.push({ id: 'e4', source: 'c', sourceOutput: 'true', target: 'w' });
    flow.edges.push({ id: 'e5', source: 'w', sourceOutput: 'next', target: 'a' });
    expect(validateFlow(flow, testCatalog)).toEqual([]);
  });

  it('detects a self loop', () => {
    const flow = validFlow();
    flow.nodes.push({ id: 'c', type: 'test.condition', typeVersion: 1, position: { x: 0, y: 0 }, config: {} });
    flow.edges.push({ id: 'e2', source: 'a', sourceOutput: 'next', target: 'c' });
    flow.edges.push({ id: 'e3', source: 'c', sourceOutput: 'false', target: 'c' });
    expect(codes(validateFlow(flow, testCatalog))).toEqual(['cycle_without_wait']);
  });

  it('handles a long chain without recursion limits', () => {
    const flow = validFlow();
    for (let i = 0; i < 900; i += 1) {
      flow.nodes.push({ id: `n${i}`, type: 'test.action', typeVersion: 1, position: { x: 0, y: i }, config: { text: 'x' } });
      flow.edges.push({ id: `c${i}`, source: i === 0 ? 'a' : `n${i - 1}`, sourceOutput: 'next', target: `n${i}` });
    }
    expect(validateFlow(flow, testCatalog)).toEqual([]);
  });

  it('reports duplicate node ids', () => {
    const flow = validFlow();
    const second = flow.nodes[1];
    if (!second) throw new Error('fixture');
    flow.nodes.push({ ...second });
    expect(codes(validateFlow(flow, testCatalog))).toContain('duplicate_id');
  });
});
