import { z } from 'zod';
import { CONVERSATION_STATUSES, unreadCount, windowState } from './conversation-state';

/** Columns every conversation query selects (with `c` = conversations, `ct` = contacts, `u` = assignee, `r` = the caller's read marker). */
export const CONVERSATION_COLUMNS = `
  c.id, c.workspace_id, c.contact_id, c.whatsapp_number_id, c.status, c.snoozed_until, c.assignee_user_id,
  u.display_name AS assignee_name, u.email AS assignee_email,
  c.waiting_since, c.last_message_at, c.last_message_preview, c.last_message_direction, c.last_activity_at,
  c.last_inbound_at, c.inbound_count, c.resolved_inbound_count, r.inbound_seen,
  ct.display_name AS contact_name, ct.phone_e164, ct.wa_id,
  (SELECT json_build_object('until', p.ends_at, 'reason', p.reason, 'scope', p.scope, 'byUserId', p.created_by_user_id,
                            'byName', pu.display_name, 'byEmail', pu.email, 'since', p.starts_at)
     FROM automation_pauses p LEFT JOIN users pu ON pu.id = p.created_by_user_id
    WHERE p.workspace_id = c.workspace_id AND p.ended_at IS NULL AND p.starts_at <= $NOW AND (p.ends_at IS NULL OR p.ends_at > $NOW)
      AND (p.scope = 'workspace' OR (p.scope = 'contact' AND p.contact_id = c.contact_id))
    ORDER BY p.ends_at DESC NULLS FIRST LIMIT 1) AS pause`;

/** The joins CONVERSATION_COLUMNS needs; `$ME` is the caller. */
export const CONVERSATION_JOINS = `
  JOIN contacts ct ON ct.id = c.contact_id
  LEFT JOIN users u ON u.id = c.assignee_user_id
  LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = $ME`;

const pauseJson = z.object({
  until: z.string().nullable(),
  reason: z.string(),
  scope: z.string(),
  byUserId: z.string().nullable(),
  byName: z.string().nullable(),
  byEmail: z.string().nullable(),
  since: z.string(),
});

export const conversationRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  contact_id: z.string(),
  whatsapp_number_id: z.string(),
  status: z.enum(CONVERSATION_STATUSES),
  snoozed_until: z.date().nullable(),
  assignee_user_id: z.string().nullable(),
  assignee_name: z.string().nullable(),
  assignee_email: z.string().nullable(),
  waiting_since: z.date().nullable(),
  last_message_at: z.date().nullable(),
  last_message_preview: z.string().nullable(),
  last_message_direction: z.string().nullable(),
  last_activity_at: z.date(),
  last_inbound_at: z.date().nullable(),
  inbound_count: z.number(),
  resolved_inbound_count: z.number(),
  inbound_seen: z.number().nullable(),
  contact_name: z.string().nullable(),
  phone_e164: z.string().nullable(),
  wa_id: z.string().nullable(),
  pause: pauseJson.nullable(),
});
export type ConversationRow = z.infer<typeof conversationRow>;

const iso = z.iso.datetime({ offset: true });

export const conversationView = z.object({
  id: z.uuid(),
  contact: z.object({ id: z.uuid(), name: z.string().nullable(), phone: z.string().nullable().meta({ description: 'E.164' }) }),
  whatsappNumberId: z.uuid(),
  status: z.enum(CONVERSATION_STATUSES),
  snoozedUntil: iso.nullable().meta({ description: 'While snoozed: when it wakes; null = at the customer’s next message' }),
  assignee: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  waitingSince: iso.nullable().meta({ description: 'Since when the customer waits for a person’s answer' }),
  lastMessage: z.object({ preview: z.string().nullable(), direction: z.string().nullable(), at: iso }).nullable(),
  lastActivityAt: iso,
  window: z.discriminatedUnion('open', [
    z.object({ open: z.literal(true), until: iso }),
    z.object({ open: z.literal(false), closedAt: iso.nullable() }),
  ]),
  unread: z.number().int().meta({ description: 'Customer messages you have not read' }),
  inboundCount: z.number().int(),
  resolvedInboundCount: z.number().int(),
  inboundSeen: z.number().int().meta({ description: 'Customer messages you had read (your read marker)' }),
  automation: z.object({
    state: z.enum(['running', 'paused']),
    pause: z
      .object({
        until: iso.nullable().meta({ description: 'null: until someone resumes it' }),
        reason: z.string(),
        scope: z.string(),
        since: iso,
        by: z.object({ id: z.uuid(), name: z.string() }).nullable(),
      })
      .nullable(),
  }),
});
export type ConversationView = z.infer<typeof conversationView>;

/** A person's name as the console shows it: their display name, else their email. */
export function personName(name: string | null, email: string | null): string {
  return name?.trim() || email || 'Someone';
}

export function viewConversation(row: ConversationRow, now: Date): ConversationView {
  const window = windowState(row.last_inbound_at, now);
  const pause = row.pause;
  return {
    id: row.id,
    contact: { id: row.contact_id, name: row.contact_name, phone: row.phone_e164 },
    whatsappNumberId: row.whatsapp_number_id,
    status: row.status,
    snoozedUntil: row.snoozed_until?.toISOString() ?? null,
    assignee: row.assignee_user_id ? { id: row.assignee_user_id, name: personName(row.assignee_name, row.assignee_email) } : null,
    waitingSince: row.waiting_since?.toISOString() ?? null,
    lastMessage: row.last_message_at
      ? { preview: row.last_message_preview, direction: row.last_message_direction, at: row.last_message_at.toISOString() }
      : null,
    lastActivityAt: row.last_activity_at.toISOString(),
    window: window.open
      ? { open: true, until: window.until.toISOString() }
      : { open: false, closedAt: window.closedAt?.toISOString() ?? null },
    unread: unreadCount({ inboundCount: row.inbound_count, resolvedInboundCount: row.resolved_inbound_count }, row.inbound_seen),
    inboundCount: row.inbound_count,
    resolvedInboundCount: row.resolved_inbound_count,
    inboundSeen: row.inbound_seen ?? 0,
    automation: pause
      ? {
          state: 'paused',
          pause: {
            until: pause.until === null ? null : new Date(pause.until).toISOString(),
            reason: pause.reason,
            scope: pause.scope,
            since: new Date(pause.since).toISOString(),
            by: pause.byUserId ? { id: pause.byUserId, name: personName(pause.byName, pause.byEmail) } : null,
          },
        }
      : { state: 'running', pause: null },
  };
}

/** Fills `$NOW` and `$ME` in a conversation query with parameter numbers. */
export function bindConversationSql(sql: string, nowParam: number, meParam: number): string {
  return sql.replaceAll('$NOW', `$${nowParam}`).replaceAll('$ME', `$${meParam}`);
}
