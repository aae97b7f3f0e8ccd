'use client';

import { BaseEdge, type Edge, EdgeLabelRenderer, type EdgeProps, getSmoothStepPath } from '@xyflow/react';
import { memo } from 'react';
import { formatCount } from '@/lib/reports/report-format';
import { useOptionalInsert } from './use-optional-insert';
import styles from './step-edge.module.css';

export type StepEdgeData = {
  sourceOutput: string;
  /** Shown on the edge; null for the ordinary "next" output. */
  outputLabel: string | null;
  description: string;
  travelled: boolean;
  /** Runs that took this connection, when the funnel is shown on the canvas. */
  taken: number | null;
};

export type StepFlowEdge = Edge<StepEdgeData, 'step'>;

function StepEdgeView(props: EdgeProps<StepFlowEdge>) {
  const { source, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style, data, selected } = props;
  const requestInsert = useOptionalInsert();
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
    borderRadius: 10,
  });
  return (
    <>
      <BaseEdge path={path} markerEnd={markerEnd} style={style} className={selected ? styles.selected : undefined} />
      <EdgeLabelRenderer>
        <div className={`nodrag nopan ${styles.label}`} style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
          {data?.outputLabel ? <span className={styles.name}>{data.outputLabel}</span> : null}
          {data && data.taken !== null ? <span className={styles.taken}>{formatCount(data.taken)} taken</span> : null}
          {requestInsert && data ? (
            <button
              type="button"
              className={styles.plus}
              aria-label={`Insert a step here: ${data.description}`}
              onClick={(event) => {
                event.stopPropagation();
                requestInsert({ source, sourceOutput: data.sourceOutput });
              }}
            >
              +
            </button>
          ) : null}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

/** A connection with its output name and a "+" to insert a step on it. */
export const StepEdge = memo(StepEdgeView);
