'use client';

import styles from '@/components/admin/admin.module.css';
import { StepRuns } from '@/components/replay/step-runs';
import type { ExecutionStep, SideEffectView } from '@/lib/execution-view';

/**
 * The execution's steps in the order they first ran, each with every run of
 * it (input, output, decision, policy verdicts, attempts and errors), as the
 * replay shows them, and the side effects it made.
 */
export function ExecutionTimeline({
  steps,
  names,
  sideEffects = [],
}: {
  steps: readonly ExecutionStep[];
  names: Readonly<Record<string, string>>;
  sideEffects?: readonly SideEffectView[];
}) {
  const order: string[] = [];
  for (const step of [...steps].sort((a, b) => a.sequence - b.sequence)) if (!order.includes(step.nodeId)) order.push(step.nodeId);
  if (order.length === 0) return <p>No step has run yet.</p>;
  return (
    <ol aria-label="Step timeline" style={{ listStyle: 'none', padding: 0, display: 'grid', gap: '0.75rem' }}>
      {order.map((nodeId) => (
        <li key={nodeId}>
          <h3 style={{ margin: '0 0 0.25rem', fontSize: '1rem' }}>{names[nodeId] ?? nodeId}</h3>
          <StepRuns name={names[nodeId] ?? nodeId} steps={steps.filter((s) => s.nodeId === nodeId)} branchLabel={(output) => output} />
          <SideEffects name={names[nodeId] ?? nodeId} effects={sideEffects.filter((effect) => effect.nodeId === nodeId)} />
        </li>
      ))}
    </ol>
  );
}

/** A step's outbound calls: what kind, under which idempotency key (a retry reuses it, so nothing goes twice), and the outcome. */
function SideEffects({ name, effects }: { name: string; effects: readonly SideEffectView[] }) {
  if (effects.length === 0) return null;
  return (
    <table className={styles.sideEffects} aria-label={`Side effects of ${name}`}>
      <thead>
        <tr>
          <th scope="col">Side effect</th>
          <th scope="col">Idempotency key</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {effects.map((effect) => (
          <tr key={effect.idempotencyKey}>
            <td>{effect.kind}</td>
            <td className={styles.step}>{effect.idempotencyKey}</td>
            <td>
              {effect.status}
              {effect.code ? ` · ${effect.code}` : ''}
              {effect.message ? ` · ${effect.message}` : ''}
              {effect.wamid ? <div className={styles.muted}>WhatsApp message {effect.wamid}</div> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
