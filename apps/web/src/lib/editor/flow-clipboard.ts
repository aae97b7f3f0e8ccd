import { flowEdgeSchema, flowNodeSchema, stickyNoteSchema } from '@parley/flow-core';
import { z } from 'zod';
import type { FlowFragment } from './flow-edits';

const MARK = 'parley.flow-fragment';

const clipboardSchema = z.object({
  kind: z.literal(MARK),
  version: z.literal(1),
  nodes: z.array(flowNodeSchema),
  edges: z.array(flowEdgeSchema),
  notes: z.array(stickyNoteSchema),
});

/** Where the last copy is kept too, for browsers that refuse to let the page read the system clipboard. */
export const CLIPBOARD_STORAGE_KEY = 'parley.clipboard';

/** Copied steps as text: pasting it into another flow (or another tab) brings the steps along. */
export function serializeFragment(fragment: FlowFragment): string {
  return JSON.stringify({ kind: MARK, version: 1, ...fragment });
}

export function parseFragment(text: string): FlowFragment | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = clipboardSchema.safeParse(value);
  return parsed.success ? { nodes: parsed.data.nodes, edges: parsed.data.edges, notes: parsed.data.notes } : null;
}
