import { EVENT_TYPES } from '@parley/flow-core';
import type { RuntimeEvent } from '@parley/node-sdk';
import { z } from 'zod';

/** The columns of an events row the runtime reads, validated. */
export const runtimeEventRow = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  workspace_id: z.string(),
  contact_id: z.string(),
  type: z.enum(EVENT_TYPES),
  occurred_at: z.date(),
  payload: z.record(z.string(), z.unknown()),
  processed_at: z.date().nullable(),
});
export type RuntimeEventRow = z.infer<typeof runtimeEventRow>;

export const RUNTIME_EVENT_COLUMNS = 'id::text AS id, workspace_id, contact_id, type, occurred_at, payload, processed_at';

export function toRuntimeEvent(row: RuntimeEventRow): RuntimeEvent {
  return { id: row.id, type: row.type, occurredAt: row.occurred_at, contactId: row.contact_id, payload: row.payload };
}
