import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRow, sqlRows } from '../database/sql-rows';

export const contactProfileSchema = z.object({
  id: z.uuid(),
  mergedIntoId: z.string().nullable().meta({ description: 'Set when this contact was merged into another' }),
  identity: z.object({
    phoneE164: z.string().nullable(),
    waId: z.string().nullable(),
    bsuid: z.string().nullable(),
    email: z.string().nullable(),
    history: z.array(z.object({ kind: z.string(), value: z.string(), reason: z.string(), endedAt: z.iso.datetime() })),
    crmIds: z.array(z.object({ system: z.string(), externalId: z.string(), url: z.string().nullable() })),
    mergedContacts: z
      .array(z.object({ id: z.string(), phoneE164: z.string().nullable(), waId: z.string().nullable(), email: z.string().nullable() }))
      .meta({ description: 'Contacts merged into this one; their numbers still reach it' }),
  }),
  conversations: z.array(z.object({ id: z.string(), status: z.string(), lastActivityAt: z.iso.datetime() })),
  orders: z.array(
    z.object({
      id: z.string(),
      externalId: z.string(),
      status: z.string(),
      total: z.string().nullable(),
      currency: z.string().nullable(),
      placedAt: z.iso.datetime(),
    }),
  ),
  opportunities: z.array(
    z.object({ id: z.string(), title: z.string(), stage: z.string(), amount: z.string().nullable(), currency: z.string().nullable() }),
  ),
  openTasks: z.array(
    z.object({ id: z.string(), title: z.string(), dueAt: z.iso.datetime().nullable(), assignedUserId: z.string().nullable() }),
  ),
  merges: z.array(
    z.object({
      id: z.string(),
      keptContactId: z.string(),
      mergedContactId: z.string(),
      mergedAt: z.iso.datetime(),
      undoUntil: z.iso.datetime(),
      undoneAt: z.iso.datetime().nullable(),
      automatic: z.boolean(),
    }),
  ),
});

export const timelineEntrySchema = z.object({
  kind: z.enum(['message', 'event', 'order', 'opportunity', 'task', 'execution', 'pause', 'merge', 'identity']),
  id: z.string(),
  at: z.iso.datetime(),
  title: z.string(),
  detail: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** What the contact page shows: identity, orders, opportunities, open tasks, and one timeline of everything. */
@Injectable()
export class ContactProfileService {
  constructor(private readonly dataSource: DataSource) {}

  async profile(workspaceId: string, id: string): Promise<z.infer<typeof contactProfileSchema>> {
    const db = this.dataSource;
    const contact = await sqlRow(
      db,
      z.object({
        id: z.string(),
        merged_into_id: z.string().nullable(),
        phone_e164: z.string().nullable(),
        wa_id: z.string().nullable(),
        bsuid: z.string().nullable(),
        email: z.string().nullable(),
      }),
      'SELECT id, merged_into_id, phone_e164, wa_id, bsuid, email FROM contacts WHERE id = $1 AND workspace_id = $2',
      [id, workspaceId],
    );
    if (!contact) throw new NotFoundException('No such contact in this workspace.');
    const history = await sqlRows(
      db,
      z.object({ kind: z.string(), value: z.string(), reason: z.string(), ended_at: z.date() }),
      'SELECT kind, value, reason, ended_at FROM contact_identity_history WHERE contact_id = $1 ORDER BY ended_at DESC LIMIT 50',
      [id],
    );
    const crmIds = await sqlRows(
      db,
      z.object({ system: z.string(), external_id: z.string(), url: z.string().nullable() }),
      // The built-in store's ids (POST /api/crm/events) and the records a connected CRM's sync linked (crm_links).
      `SELECT system, external_id, url FROM contact_crm_ids WHERE contact_id = $1
       UNION ALL
       SELECT c.name || ' (' || c.provider || ')', l.remote_type || ' ' || l.remote_id, NULL
         FROM crm_links l JOIN crm_connections c ON c.id = l.connection_id WHERE l.contact_id = $1
       ORDER BY 1, 2`,
      [id],
    );
    const mergedContacts = await sqlRows(
      db,
      z.object({ id: z.string(), phone_e164: z.string().nullable(), wa_id: z.string().nullable(), email: z.string().nullable() }),
      'SELECT id, phone_e164, wa_id, email FROM contacts WHERE merged_into_id = $1 ORDER BY created_at',
      [id],
    );
    const conversations = await sqlRows(
      db,
      z.object({ id: z.string(), status: z.string(), last_activity_at: z.date() }),
      'SELECT id, status, last_activity_at FROM conversations WHERE contact_id = $1 ORDER BY last_activity_at DESC LIMIT 20',
      [id],
    );
    const orders = await sqlRows(
      db,
      z.object({
        id: z.string(),
        external_id: z.string(),
        status: z.string(),
        total: z.string().nullable(),
        currency: z.string().nullable(),
        placed_at: z.date(),
      }),
      'SELECT id, external_id, status, total::text AS total, currency, placed_at FROM orders WHERE contact_id = $1 ORDER BY placed_at DESC LIMIT 50',
      [id],
    );
    const opportunities = await sqlRows(
      db,
      z.object({ id: z.string(), title: z.string(), stage: z.string(), amount: z.string().nullable(), currency: z.string().nullable() }),
      'SELECT id, title, stage, amount::text AS amount, currency FROM opportunities WHERE contact_id = $1 ORDER BY updated_at DESC LIMIT 50',
      [id],
    );
    const tasks = await sqlRows(
      db,
      z.object({ id: z.string(), title: z.string(), due_at: z.date().nullable(), assigned_user_id: z.string().nullable() }),
      `SELECT id, title, due_at, assigned_user_id FROM tasks WHERE contact_id = $1 AND status = 'open' ORDER BY due_at NULLS LAST LIMIT 50`,
      [id],
    );
    const merges = await sqlRows(
      db,
      z.object({
        id: z.string(),
        kept_contact_id: z.string(),
        merged_contact_id: z.string(),
        merged_at: z.date(),
        undo_until: z.date(),
        undone_at: z.date().nullable(),
        automatic: z.boolean(),
      }),
      `SELECT id, kept_contact_id, merged_contact_id, merged_at, undo_until, undone_at, automatic FROM contact_merges
        WHERE kept_contact_id = $1 OR merged_contact_id = $1 ORDER BY merged_at DESC LIMIT 50`,
      [id],
    );
    return {
      id: contact.id,
      mergedIntoId: contact.merged_into_id,
      identity: {
        phoneE164: contact.phone_e164,
        waId: contact.wa_id,
        bsuid: contact.bsuid,
        email: contact.email,
        history: history.map((h) => ({ kind: h.kind, value: h.value, reason: h.reason, endedAt: h.ended_at.toISOString() })),
        crmIds: crmIds.map((c) => ({ system: c.system, externalId: c.external_id, url: c.url })),
        mergedContacts: mergedContacts.map((m) => ({ id: m.id, phoneE164: m.phone_e164, waId: m.wa_id, email: m.email })),
      },
      conversations: conversations.map((c) => ({ id: c.id, status: c.status, lastActivityAt: c.last_activity_at.toISOString() })),
      orders: orders.map((o) => ({
        id: o.id,
        externalId: o.external_id,
        status: o.status,
        total: o.total,
        currency: o.currency,
        placedAt: o.placed_at.toISOString(),
      })),
      opportunities,
      openTasks: tasks.map((t) => ({ id: t.id, title: t.title, dueAt: iso(t.due_at), assignedUserId: t.assigned_user_id })),
      merges: merges.map((m) => ({
        id: m.id,
        keptContactId: m.kept_contact_id,
        mergedContactId: m.merged_contact_id,
        mergedAt: m.merged_at.toISOString(),
        undoUntil: m.undo_until.toISOString(),
        undoneAt: iso(m.undone_at),
        automatic: m.automatic,
      })),
    };
  }

  /**
   * Everything that happened to the contact, newest first: messages, events
   * (other than the message events the messages already show), orders,
   * opportunities, tasks, flow executions, pauses, merges and identity
   * changes. `before`: the `at` of the last entry of the previous page.
   */
  async timeline(workspaceId: string, id: string, before: Date | null, limit: number): Promise<TimelineEntry[]> {
    const rows = await sqlRows(
      this.dataSource,
      z.object({ kind: timelineEntrySchema.shape.kind, id: z.string(), at: z.date(), title: z.string(), detail: z.string().nullable() }),
      `WITH me AS (SELECT id FROM contacts WHERE id = $1 AND workspace_id = $2)
       SELECT * FROM (
         (SELECT 'message' AS kind, m.id::text, m.occurred_at AS at,
                 CASE m.direction WHEN 'inbound' THEN 'Customer wrote' ELSE 'Sent' END AS title, left(coalesce(m.text, '[' || m.type || ']'), 300) AS detail
            FROM messages m WHERE m.contact_id = (SELECT id FROM me) AND ($3::timestamptz IS NULL OR m.occurred_at < $3) ORDER BY m.occurred_at DESC LIMIT $4)
         UNION ALL
         (SELECT 'event', e.id::text, e.occurred_at, e.type, left(e.payload::text, 300)
            FROM events e WHERE e.contact_id = (SELECT id FROM me) AND e.type NOT LIKE 'message.%' AND ($3::timestamptz IS NULL OR e.occurred_at < $3)
           ORDER BY e.occurred_at DESC LIMIT $4)
         UNION ALL
         (SELECT 'order', o.id::text, o.placed_at, 'Order ' || o.external_id || ' ' || o.status, o.total::text || ' ' || coalesce(o.currency, '')
            FROM orders o WHERE o.contact_id = (SELECT id FROM me) AND ($3::timestamptz IS NULL OR o.placed_at < $3) ORDER BY o.placed_at DESC LIMIT $4)
         UNION ALL
         (SELECT 'opportunity', p.id::text, p.created_at, 'Opportunity ' || p.title, p.stage
            FROM opportunities p WHERE p.contact_id = (SELECT id FROM me) AND ($3::timestamptz IS NULL OR p.created_at < $3) ORDER BY p.created_at DESC LIMIT $4)
         UNION ALL
         (SELECT 'task', t.id::text, t.created_at, 'Task ' || t.title, t.status
            FROM tasks t WHERE t.contact_id = (SELECT id FROM me) AND ($3::timestamptz IS NULL OR t.created_at < $3) ORDER BY t.created_at DESC LIMIT $4)
         UNION ALL
         (SELECT 'execution', x.id::text, x.started_at, 'Flow ' || f.name, x.status
            FROM executions x JOIN flows f ON f.id = x.flow_id
           WHERE x.contact_id = (SELECT id FROM me) AND ($3::timestamptz IS NULL OR x.started_at < $3) ORDER BY x.started_at DESC LIMIT $4)
         UNION ALL
         (SELECT 'pause', a.id::text, a.starts_at, 'Automation paused', nullif(a.reason, '')
            FROM automation_pauses a WHERE a.contact_id = (SELECT id FROM me) AND ($3::timestamptz IS NULL OR a.starts_at < $3) ORDER BY a.starts_at DESC LIMIT $4)
         UNION ALL
         (SELECT 'merge', g.id::text, g.merged_at,
                 CASE WHEN g.kept_contact_id = (SELECT id FROM me) THEN 'Duplicate merged in' ELSE 'Merged into another contact' END
                 || CASE WHEN g.undone_at IS NOT NULL THEN ' (undone)' ELSE '' END,
                 CASE WHEN g.kept_contact_id = (SELECT id FROM me) THEN g.merged_contact_id::text ELSE g.kept_contact_id::text END
            FROM contact_merges g WHERE (g.kept_contact_id = (SELECT id FROM me) OR g.merged_contact_id = (SELECT id FROM me))
             AND ($3::timestamptz IS NULL OR g.merged_at < $3) ORDER BY g.merged_at DESC LIMIT $4)
         UNION ALL
         (SELECT 'identity', h.id::text, h.ended_at, 'Stopped using ' || h.kind || ' ' || h.value, h.reason
            FROM contact_identity_history h WHERE h.contact_id = (SELECT id FROM me) AND ($3::timestamptz IS NULL OR h.ended_at < $3)
           ORDER BY h.ended_at DESC LIMIT $4)
       ) everything ORDER BY at DESC, id DESC LIMIT $4`,
      [id, workspaceId, before, limit],
    );
    return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
  }
}
