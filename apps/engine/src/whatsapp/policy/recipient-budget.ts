import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { sqlRow } from '../../database/sql-rows';
import type { MessagingPolicy } from './messaging-policy';
import { DAY_MS } from './policy-rule';
import { defer, type PolicyVerdict } from './policy-verdict';

const admissionRow = z.object({ slot_at: z.date() });
const usageRow = z.object({ used: z.number(), oldest: z.date().nullable(), last_slot: z.date().nullable() });

/** Serialises budget decisions per workspace, so two workers never both take the last place. */
const LOCK_NAMESPACE = 0x50_41_52_4c; // "PARL"

/**
 * The portfolio's messaging limit: unique recipients of business-initiated
 * messages (outside the service window) per moving 24 h. A recipient already
 * admitted in the window costs nothing. Below the batching threshold (80 % by
 * default) new recipients are admitted at once; above it they get evenly
 * spaced slots over the day; at the limit nothing more is attempted until
 * the oldest admission leaves the window. Call inside a transaction.
 */
export async function admitRecipient(
  manager: EntityManager,
  input: { workspaceId: string; contactId: string; now: Date; policy: MessagingPolicy; limit: number | null },
): Promise<PolicyVerdict | null> {
  const { workspaceId, contactId, now, policy, limit } = input;
  if (limit === null) return null;
  const since = new Date(now.getTime() - DAY_MS);
  await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, workspaceId]);
  const admitted = await sqlRow(
    manager,
    admissionRow,
    'SELECT slot_at FROM recipient_admissions WHERE contact_id = $1 AND workspace_id = $2 AND admitted_at > $3 ORDER BY admitted_at DESC LIMIT 1',
    [contactId, workspaceId, since],
  );
  const numbers = (used: number) => ({ recipientsLast24h: used, limit, batchAbovePercent: policy.batchAbovePercent });
  if (admitted) {
    return admitted.slot_at <= now
      ? null
      : defer(
          'daily_recipient_limit',
          admitted.slot_at,
          `Near the daily limit of ${limit} recipients, new recipients are spread over the day; this one has its slot at ${admitted.slot_at.toISOString()}.`,
          {
            slotAt: admitted.slot_at.toISOString(),
            limit,
          },
        );
  }
  const usage = await sqlRow(
    manager,
    usageRow,
    `SELECT count(DISTINCT contact_id)::int AS used, min(admitted_at) AS oldest, max(slot_at) AS last_slot
       FROM recipient_admissions WHERE workspace_id = $1 AND admitted_at > $2`,
    [workspaceId, since],
  );
  const used = usage?.used ?? 0;
  if (used >= limit) {
    const until = new Date((usage?.oldest ?? now).getTime() + DAY_MS);
    return defer(
      'daily_recipient_limit',
      until,
      `The daily limit of ${limit} unique recipients outside the service window is reached; nothing more goes out until a place frees up.`,
      numbers(used),
    );
  }
  const threshold = Math.ceil((limit * policy.batchAbovePercent) / 100);
  let slot = now;
  if (used >= threshold) {
    const spacingMs = DAY_MS / Math.max(1, limit - threshold);
    const next = new Date((usage?.last_slot ?? now).getTime() + spacingMs);
    if (next > slot) slot = next;
  }
  await manager.query('INSERT INTO recipient_admissions (workspace_id, contact_id, admitted_at, slot_at) VALUES ($1, $2, $3, $4)', [
    workspaceId,
    contactId,
    now,
    slot,
  ]);
  return slot <= now
    ? null
    : defer(
        'daily_recipient_limit',
        slot,
        `${used} of the ${limit} daily recipients are used (over ${policy.batchAbovePercent} %): new recipients are spread over the day; this one goes at ${slot.toISOString()}.`,
        {
          ...numbers(used),
          slotAt: slot.toISOString(),
        },
      );
}
