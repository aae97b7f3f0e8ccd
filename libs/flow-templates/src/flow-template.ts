import { DEFAULT_FLOW_SETTINGS, type FlowDocument, type FlowSettings } from '@parley/flow-core';

/** A ready-made flow for the gallery. */
export interface FlowTemplate {
  /** Stable id, e.g. "high-intent". */
  id: string;
  /** Its number in the product brief's list of flows. */
  number: number;
  name: string;
  description: string;
  /** What a marketer should adjust before publishing (template names, URLs, keywords...). */
  adjust: string[];
  document: FlowDocument;
}

export interface NodeSpec {
  id: string;
  type: string;
  config: Record<string, unknown>;
  label?: string;
  /** Column and row on the canvas grid. */
  at: [number, number];
  retry?: { retries: number; delaySeconds: number; backoff: 'fixed' | 'exponential' };
}

const COLUMN = 300;
const ROW = 160;

/** Builds a flow document from nodes on a grid and [source, output, target] edges. */
export function buildFlow(nodes: NodeSpec[], edges: [string, string, string][], settings: Partial<FlowSettings> = {}): FlowDocument {
  return {
    schemaVersion: 1,
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.type,
      typeVersion: 1,
      ...(n.label ? { label: n.label } : {}),
      position: { x: n.at[0] * COLUMN, y: n.at[1] * ROW },
      config: n.config,
      ...(n.retry ? { settings: { retry: n.retry } } : {}),
    })),
    edges: edges.map(([source, sourceOutput, target]) => ({ id: `${source}-${sourceOutput}-${target}`, source, sourceOutput, target })),
    notes: [],
    settings: { ...DEFAULT_FLOW_SETTINGS, ...settings },
  };
}
