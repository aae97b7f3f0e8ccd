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

/** How a node retries a failed step (only errors the node marks retryable). */
export const retryPolicySchema = z.object({
  /** Retries after the first attempt (0 = no retry). */
  retries: z.number().int().min(0).max(10),
  /** Wait before the first retry. */
  delaySeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600),
  /** "exponential" multiplies the delay by 4 each time (Meta's advice for rate limits). */
  backoff: z.enum(['fixed', 'exponential']).default('exponential'),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

export const nodeSettingsSchema = z.object({
  /** Overrides the node type's default retry policy. */
  retry: retryPolicySchema.optional(),
});

export const flowNodeSchema = z.object({
  id: idSchema,
  type: z.string().min(1).max(100),
  typeVersion: z.number().int().min(1),
  label: z.string().max(FLOW_LIMITS.maxLabelLength).optional(),
  position: positionSchema,
  config: z.record(z.string(), z.unknown()),
  settings: nodeSettingsSchema.optional(),
});

export const flowEdgeSchema = z.object({
  id: idSchema,
  source: idSchema,
  /** Name of the source node's output this edge leaves from, e.g. "next", "true", "timeout", "error". */
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

/** A rule that ends a contact's run of the flow when a matching event arrives (a goal, e.g. an order). */
export const exitRuleSchema = z.object({
  eventType: z.string().min(1).max(100),
  /** Optional JSONLogic over `{event}` that must also hold. */
  when: z.unknown().optional(),
});

export const flowSettingsSchema = z.object({
  /** Start at most once per contact, ever. */
  oncePerContact: z.boolean().default(false),
  /** When the trigger fires for a contact already in the flow. */
  reentry: z.enum(['skip', 'restart', 'parallel']).default('skip'),
  /** Wait until the contact has been quiet this long, then start once with the latest event. */
  debounceSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(0),
  /** While automation is paused for the contact: do not start, or start and hold before the first side effect. */
  whilePaused: z.enum(['skip', 'hold']).default('skip'),
  /** Leave the flow when one of these events happens (e.g. "order.created"). */
  exitOn: z.array(exitRuleSchema).max(20).default([]),
});
export type FlowSettings = z.infer<typeof flowSettingsSchema>;

/** Settings of a flow that does not say otherwise. */
export const DEFAULT_FLOW_SETTINGS: FlowSettings = flowSettingsSchema.parse({});

export const flowDocumentSchema = z.object({
  schemaVersion: z.literal(CURRENT_FLOW_SCHEMA_VERSION),
  nodes: z.array(flowNodeSchema).max(FLOW_LIMITS.maxNodes),
  edges: z.array(flowEdgeSchema).max(FLOW_LIMITS.maxEdges),
  notes: z.array(stickyNoteSchema).max(FLOW_LIMITS.maxNotes).default([]),
  settings: flowSettingsSchema.default(DEFAULT_FLOW_SETTINGS),
});

export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowEdge = z.infer<typeof flowEdgeSchema>;
export type StickyNote = z.infer<typeof stickyNoteSchema>;
export type FlowDocument = z.infer<typeof flowDocumentSchema>;
export type ExitRule = z.infer<typeof exitRuleSchema>;
