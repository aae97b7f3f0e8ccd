'use client';

import { StepRuns } from '@/components/replay/step-runs';
import type { ExecutionStep } from '@/lib/execution-view';

/**
 * The execution's steps in the order they first ran, each with every run of
 * it (input, output, decision, policy verdicts, attempts and errors), as the
 * replay shows them.
 */
export function ExecutionTimeline({ steps, names }: { steps: readonly ExecutionStep[]; names: Readonly<Record<string, string>> }) {
  const order: string[] = [];
  for (const step of [...steps].sort((a, b) => a.sequence - b.sequence)) if (!order.includes(step.nodeId)) order.push(step.nodeId);
  if (order.length === 0) return <p>No step has run yet.</p>;
  return (
    <ol aria-label="Step timeline" style={{ listStyle: 'none', padding: 0, display: 'grid', gap: '0.75rem' }}>
      {order.map((nodeId) => (
        <li key={nodeId}>
          <h3 style={{ margin: '0 0 0.25rem', fontSize: '1rem' }}>{names[nodeId] ?? nodeId}</h3>
          <StepRuns name={names[nodeId] ?? nodeId} steps={steps.filter((s) => s.nodeId === nodeId)} branchLabel={(output) => output} />
        </li>
      ))}
    </ol>
  );
}
