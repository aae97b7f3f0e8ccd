import type { Node } from '@xyflow/react';
import type { NodeAccent } from '../canvas-graph';

export interface StepOutput {
  name: string;
  label: string;
  /** True when no connection leaves from it yet (it gets a "+" button). */
  open: boolean;
}

/** How a step went in an execution being replayed. */
export type RunMark = 'succeeded' | 'failed' | 'waiting' | 'running' | 'not-run';

/** Everything a step card shows; rebuilt only when its node, connections or issues change. */
export type StepCardData = {
  nodeId: string;
  displayName: string;
  label: string | null;
  category: string;
  accent: NodeAccent;
  summary: string;
  known: boolean;
  outputs: StepOutput[];
  acceptsInput: boolean;
  issues: string[];
  editable: boolean;
  run: RunMark | null;
  /** What the step is doing in the run shown (what a waiting step waits for). */
  runNote: string | null;
  /** The flow's funnel counts at this step, when shown (Performance tab). */
  counts: string | null;
};

export type StepFlowNode = Node<StepCardData, 'step'>;

export type NoteCardData = {
  noteId: string;
  text: string;
  editable: boolean;
};

export type NoteFlowNode = Node<NoteCardData, 'note'>;

export type CanvasNode = StepFlowNode | NoteFlowNode;
