import type { FlowDocument } from '@parley/flow-core';
import type { ExecutionStep } from '../execution-view';
import type { RunMark } from './editor-node-data';

function markOf(status: string): RunMark {
  return status === 'succeeded' || status === 'failed' || status === 'waiting' || status === 'running' ? status : 'succeeded';
}

/**
 * What an execution did on its flow: each step's last status, and the
 * connections it travelled (a step's chosen output leading to the step that
 * ran next).
 */
export function replayPath(
  document: FlowDocument,
  steps: readonly ExecutionStep[],
): { marks: Map<string, RunMark>; travelled: Set<string> } {
  const marks = new Map<string, RunMark>();
  const ordered = [...steps].sort((a, b) => a.sequence - b.sequence);
  for (const step of ordered) marks.set(step.nodeId, markOf(step.status));
  const travelled = new Set<string>();
  for (const step of ordered) {
    if (!step.outputName) continue;
    const edge = document.edges.find((e) => e.source === step.nodeId && e.sourceOutput === step.outputName);
    if (edge && marks.has(edge.target)) travelled.add(edge.id);
  }
  return { marks, travelled };
}
