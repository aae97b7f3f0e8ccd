import type { ConfigEntry } from './config-entries';

/** Accent of a node card; follows the node kind so triggers and actions read apart at a glance. */
export type NodeAccent = 'trigger' | 'condition' | 'action' | 'timing' | 'control' | 'unknown';

export interface CanvasOutput {
  name: string;
  label: string;
}

/**
 * Everything the canvas shows about one node, computed on the server so the
 * browser receives plain, ready-to-render data.
 */
export type CanvasNodeData = {
  type: string;
  typeVersion: number;
  displayName: string;
  label: string | null;
  category: string;
  accent: NodeAccent;
  description: string | null;
  summary: string;
  /** False when the engine does not list this node type at all. */
  known: boolean;
  /** False when the type is known but not in this version. */
  versionKnown: boolean;
  outputs: CanvasOutput[];
  acceptsInput: boolean;
  config: ConfigEntry[];
};

export interface CanvasNodeModel {
  id: string;
  position: { x: number; y: number };
  data: CanvasNodeData;
}

export interface CanvasEdgeModel {
  id: string;
  source: string;
  sourceOutput: string;
  target: string;
  /** Shown on the edge; null for the ordinary "next" output. */
  label: string | null;
  description: string;
}

export interface CanvasGraph {
  nodes: CanvasNodeModel[];
  edges: CanvasEdgeModel[];
}
