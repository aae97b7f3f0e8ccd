import { MarkerType } from '@xyflow/react';
import type { RunMark } from './editor-node-data';

const TAKEN = '#067647';
const NOT_TAKEN = '#c7cdd6';

/** How a connection looks when a run is shown on the canvas: the path taken thick and green, the rest faded. */
export function runEdgeLook(taken: boolean): {
  style: { stroke: string; strokeWidth: number };
  markerEnd: { type: MarkerType; color: string };
} {
  const color = taken ? TAKEN : NOT_TAKEN;
  return { style: { stroke: color, strokeWidth: taken ? 3 : 1.5 }, markerEnd: { type: MarkerType.ArrowClosed, color } };
}

/** A step's run status in words, for its accessible name ("If / else: succeeded"). */
export function runMarkText(mark: RunMark | undefined): string {
  return mark === undefined || mark === 'not-run' ? 'not reached' : mark;
}
