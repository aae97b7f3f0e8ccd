import { flowDocumentSchema } from '@parley/flow-core';
import { funnelOverlay } from './funnel-overlay';
import type { FunnelReport } from './report-schemas';

const node = (id: string) => ({ id, type: 'x', typeVersion: 1, position: { x: 0, y: 0 }, config: {} });
const document = flowDocumentSchema.parse({
  schemaVersion: 1,
  nodes: [node('trigger'), node('ask'), node('yes'), node('no')],
  edges: [
    { id: 'e1', source: 'trigger', sourceOutput: 'next', target: 'ask' },
    { id: 'e2', source: 'ask', sourceOutput: 'true', target: 'yes' },
    { id: 'e3', source: 'ask', sourceOutput: 'false', target: 'no' },
  ],
  notes: [],
});

const step = (flowVersionId: string, nodeId: string, reached: number, sent = 0, failed = 0, replied = 0) => ({
  flowVersionId,
  version: 1,
  nodeId,
  label: nodeId,
  reached,
  sent,
  failed,
  delivered: 0,
  read: 0,
  replied,
  converted: 0,
});

function figures(edges: FunnelReport['current']['edges']): FunnelReport['current'] {
  return {
    flows: [],
    stages: [],
    steps: [step('v1', 'trigger', 10), step('v2', 'trigger', 5), step('v1', 'ask', 15), step('v2', 'yes', 9, 9, 1, 4)],
    edges,
  };
}

describe('funnelOverlay', () => {
  it('adds each step up across versions, says sent/failed only for steps that send, and zero for a step never reached', () => {
    const overlay = funnelOverlay(document, figures([]));
    expect([...overlay.steps]).toEqual([
      ['trigger', 'Reached 15'],
      ['ask', 'Reached 15'],
      ['yes', 'Reached 9 · Sent 9 · Failed 1 · Replied 4'],
      ['no', 'Reached 0'],
    ]);
  });

  it('puts on each connection the runs that left its step by its output, zero when none did', () => {
    const overlay = funnelOverlay(
      document,
      figures([
        { flowVersionId: 'v1', nodeId: 'trigger', output: 'next', taken: 10 },
        { flowVersionId: 'v2', nodeId: 'trigger', output: 'next', taken: 5 },
        { flowVersionId: 'v1', nodeId: 'ask', output: 'true', taken: 9 },
        { flowVersionId: 'v1', nodeId: 'ask', output: 'error', taken: 2 },
      ]),
    );
    expect([...overlay.edges]).toEqual([
      ['e1', 15],
      ['e2', 9],
      ['e3', 0],
    ]);
    expect(overlay.edgesKnown).toBe(true);
  });

  it('leaves connections blank when the report has no connection counts (a tag filter)', () => {
    const overlay = funnelOverlay(document, figures(null));
    expect([overlay.edges.size, overlay.edgesKnown]).toEqual([0, false]);
  });
});
