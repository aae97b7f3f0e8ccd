import type { FlowDocument, FlowNode } from '@parley/flow-core';
import type { ExecutionStep } from '../execution-view';
import { replayPath } from './replay-path';

function node(id: string): FlowNode {
  return { id, type: 'x', typeVersion: 1, position: { x: 0, y: 0 }, config: {} };
}

function step(sequence: number, nodeId: string, status: string, outputName: string | null): ExecutionStep {
  return {
    sequence,
    nodeId,
    nodeType: 'x',
    status,
    visit: 1,
    attempt: 1,
    decision: null,
    input: null,
    output: null,
    outputName,
    errorCode: null,
    errorMessage: null,
    startedAt: '2026-01-01T10:00:00.000Z',
    finishedAt: null,
    durationMs: null,
  };
}

const document: FlowDocument = {
  schemaVersion: 1,
  nodes: [node('trigger'), node('if'), node('yes'), node('no')],
  edges: [
    { id: 'to-if', source: 'trigger', sourceOutput: 'next', target: 'if' },
    { id: 'to-yes', source: 'if', sourceOutput: 'true', target: 'yes' },
    { id: 'to-no', source: 'if', sourceOutput: 'false', target: 'no' },
  ],
  notes: [],
  settings: { oncePerContact: false, reentry: 'skip', debounceSeconds: 0, whilePaused: 'skip', exitOn: [] },
};

describe('replayPath', () => {
  it('marks each step with its latest status and lights only the connections the run took', () => {
    const { marks, travelled } = replayPath(document, [
      step(3, 'yes', 'waiting', null),
      step(1, 'trigger', 'succeeded', 'next'),
      step(2, 'if', 'succeeded', 'true'),
    ]);
    expect(Object.fromEntries(marks)).toEqual({ trigger: 'succeeded', if: 'succeeded', yes: 'waiting' });
    expect([...travelled].sort()).toEqual(['to-if', 'to-yes']);
  });

  it('does not light a connection to a step that has not run yet', () => {
    const { travelled } = replayPath(document, [step(1, 'trigger', 'succeeded', 'next'), step(2, 'if', 'succeeded', 'false')]);
    expect([...travelled]).toEqual(['to-if']);
  });

  it('shows a retried step as it is now, not as its first attempt', () => {
    const { marks } = replayPath(document, [
      step(1, 'trigger', 'succeeded', 'next'),
      step(2, 'if', 'failed', null),
      step(3, 'if', 'succeeded', 'true'),
    ]);
    expect(marks.get('if')).toBe('succeeded');
  });
});
