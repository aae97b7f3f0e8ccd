'use client';

import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { isErrorOutput } from '@/lib/editor/build-step-cards';
import type { StepFlowNode } from '@/lib/editor/editor-node-data';
import { useOptionalInsert } from './use-optional-insert';
import styles from './step-card.module.css';

function handleOffset(index: number, count: number): string {
  return `${((index + 1) / (count + 1)) * 100}%`;
}

// Words and a symbol, so the status reads without telling colours apart.
const RUN_LABELS = {
  succeeded: '✓ Succeeded',
  failed: '✕ Failed',
  waiting: '◷ Waiting',
  running: '▶ Running',
  'not-run': 'Not reached',
} as const;

function StepCardView({ data, selected }: NodeProps<StepFlowNode>) {
  const requestInsert = useOptionalInsert();
  const main = data.outputs.filter((o) => !isErrorOutput(o.name));
  const errorOutput = data.outputs.find((o) => isErrorOutput(o.name));
  const classes = [
    styles.card,
    selected ? styles.selected : '',
    data.known ? '' : styles.unknown,
    data.issues.length > 0 ? styles.invalid : '',
  ];
  const name = data.label ?? data.displayName;
  return (
    <div className={classes.filter(Boolean).join(' ')} data-accent={data.accent} data-run={data.run ?? undefined}>
      {data.acceptsInput ? <Handle type="target" position={Position.Top} isConnectable={data.editable} className={styles.handle} /> : null}
      <div className={styles.top}>
        <span className={styles.category}>{data.category}</span>
        {data.run ? <span className={styles.runBadge}>{RUN_LABELS[data.run]}</span> : null}
      </div>
      <div className={styles.title}>{data.displayName}</div>
      {data.label ? <div className={styles.label}>{data.label}</div> : null}
      <p className={styles.summary}>{data.summary}</p>
      {data.runNote ? <p className={styles.runNote}>{data.runNote}</p> : null}
      {data.counts ? <p className={styles.counts}>{data.counts}</p> : null}
      {data.issues.length > 0 ? (
        <p className={styles.issue} title={data.issues.join('\n')}>
          <span aria-hidden="true">⚠ </span>
          {data.issues.length === 1 ? '1 problem' : `${data.issues.length} problems`}
          <span className="visually-hidden">: {data.issues.join(' ')}</span>
        </p>
      ) : null}
      {main.length > 1 ? (
        <div className={styles.outputs} aria-hidden="true">
          {main.map((output) => (
            <span key={output.name}>{output.label}</span>
          ))}
        </div>
      ) : null}
      {main.map((output, index) => (
        <Handle
          key={output.name}
          id={output.name}
          type="source"
          position={Position.Bottom}
          isConnectable={data.editable}
          className={styles.handle}
          style={{ left: handleOffset(index, main.length) }}
          title={`Output “${output.label}”: drag to the next step`}
        />
      ))}
      {errorOutput ? (
        <Handle
          id={errorOutput.name}
          type="source"
          position={Position.Right}
          isConnectable={data.editable}
          className={`${styles.handle} ${styles.errorHandle}`}
          title="On error: where to go when this step fails for good"
        />
      ) : null}
      {data.editable && requestInsert
        ? main
            .filter((output) => output.open)
            .map((output, index) => (
              <button
                key={output.name}
                type="button"
                className={`nodrag nopan ${styles.plus}`}
                style={{ left: handleOffset(main.indexOf(output), main.length) }}
                data-index={index}
                aria-label={main.length > 1 ? `Add a step after “${name}” (${output.label})` : `Add a step after “${name}”`}
                onClick={(event) => {
                  event.stopPropagation();
                  requestInsert({ source: data.nodeId, sourceOutput: output.name });
                }}
              >
                +
              </button>
            ))
        : null}
    </div>
  );
}

/** A step on the canvas. Memoised: React Flow re-renders nodes on every viewport and selection change. */
export const StepCard = memo(StepCardView);
