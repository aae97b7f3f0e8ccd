'use client';

import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import type { CanvasFlowNode } from './canvas-flow-node';
import styles from './flow-node-card.module.css';

function handleOffset(index: number, count: number): string {
  return `${((index + 1) / (count + 1)) * 100}%`;
}

function FlowNodeCardView({ data, selected }: NodeProps<CanvasFlowNode>) {
  const classes = [styles.card, selected ? styles.selected : '', data.known ? '' : styles.unknown].filter(Boolean).join(' ');
  const showOutputNames = data.outputs.length > 1;
  return (
    <div className={classes} data-accent={data.accent}>
      {data.acceptsInput ? <Handle type="target" position={Position.Top} isConnectable={false} className={styles.handle} /> : null}
      <div className={styles.category}>{data.category}</div>
      <div className={styles.title}>{data.displayName}</div>
      {data.label ? <div className={styles.label}>{data.label}</div> : null}
      <p className={styles.summary}>{data.summary}</p>
      {showOutputNames ? (
        <div className={styles.outputs} aria-hidden="true">
          {data.outputs.map((output) => (
            <span key={output.name}>{output.label}</span>
          ))}
        </div>
      ) : null}
      {data.outputs.map((output, index) => (
        <Handle
          key={output.name}
          id={output.name}
          type="source"
          position={Position.Bottom}
          isConnectable={false}
          className={styles.handle}
          style={{ left: handleOffset(index, data.outputs.length) }}
        />
      ))}
    </div>
  );
}

/** A node on the canvas. Memoised: React Flow re-renders nodes often (viewport, selection). */
export const FlowNodeCard = memo(FlowNodeCardView);
