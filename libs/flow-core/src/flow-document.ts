import { z } from 'zod';
import { FLOW_LIMITS } from './flow-limits';

/** The schema version this build writes. Older documents are migrated on read. */
export const CURRENT_FLOW_SCHEMA_VERSION = 1;

const idSchema = z
  .string()
  .min(1)
  .max(FLOW_LIMITS.maxIdLength)
  .regex(/^[A-Za-z0-9_-]+$/, 'may contain only letters, digits, "_" and "-"');

const positionSchema = z.object({
  x: z.number().finite(),
  y: z.number().finite(),
});

export const flowNodeSchema = z.object({
  id: idSchema,
  type: z.string().min(1).max(100),
  typeVersion: z.number().int().min(1),
  label: z.string().max(FLOW_LIMITS.maxLabelLength).optional(),
  position: positionSchema,
  config: z.record(z.string(), z.unknown()),
});

export const flowEdgeSchema = z.object({
  id: idSchema,
  source: idSchema,
  /** Name of the source node's output this edge leaves from, e.g. "next", "true", "timeout". */
  sourceOutput: z.string().min(1).max(100),
  target: idSchema,
});

export const stickyNoteSchema = z.object({
  id: idSchema,
  text: z.string().max(FLOW_LIMITS.maxNoteLength),
  position: positionSchema,
  width: z.number().positive().max(5000).optional(),
  height: z.number().positive().max(5000).optional(),
});

export const flowDocumentSchema = z.object({
  schemaVersion: z.literal(CURRENT_FLOW_SCHEMA_VERSION),
  nodes: z.array(flowNodeSchema).max(FLOW_LIMITS.maxNodes),
  edges: z.array(flowEdgeSchema).max(FLOW_LIMITS.maxEdges),
  notes: z.array(stickyNoteSchema).max(FLOW_LIMITS.maxNotes).default([]),
});

export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowEdge = z.infer<typeof flowEdgeSchema>;
export type StickyNote = z.infer<typeof stickyNoteSchema>;
export type FlowDocument = z.infer<typeof flowDocumentSchema>;
