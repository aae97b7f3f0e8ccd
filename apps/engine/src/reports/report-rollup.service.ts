import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { sqlRows } from '../database/sql-rows';
import { effectiveIntents } from '../workspaces/workspace-settings';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { countrySql } from './metrics/calling-codes';
import { serviceEvents, type ServiceItem } from './metrics/service-events';
import { messageWords } from './metrics/words';
import { businessHoursOf } from './report-settings';

/** One rollup job at a time across every process: two would replace the same hours concurrently. */
const LOCK_KEY = 7_150_000_001;
const DEFAULT_BATCH = 20_000;

const changeRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  hour: z.date().nullable(),
  conversation_id: z.string().nullable(),
});

/** What a test may do inside a round before it commits (e.g. throw, as a crash would). */
export type RoundInterrupt = () => Promise<void>;

const COUNTRY = countrySql("regexp_replace(coalesce(c.phone_e164, c.wa_id, ''), '\\D', '', 'g')");

/**
 * Keeps the report rollups (report_hours, report_word_hours,
 * report_service_events) equal to what the raw rows say. Triggers log each
 * changed hour and conversation in report_changes; a round takes a batch of
 * changes, recomputes those hours and conversations from the raw rows,
 * replaces their rollup rows and deletes the changes, in one transaction. A
 * crash rolls the whole round back, so the next round redoes it; recomputing
 * twice gives the same rows (idempotent).
 */
@Injectable()
export class ReportRollupService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: WorkspaceSettingsService,
  ) {}

  /** One round; returns how many changes it handled (0: nothing to do, or another process is at it). */
  async runOnce(options: { batch?: number; interrupt?: RoundInterrupt; wait?: boolean } = {}): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      if (options.wait) {
        await manager.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      } else {
        const locked = await sqlRows(manager, z.object({ locked: z.boolean() }), 'SELECT pg_try_advisory_xact_lock($1) AS locked', [
          LOCK_KEY,
        ]);
        if (!locked[0]?.locked) return 0;
      }
      const changes = await sqlRows(
        manager,
        changeRow,
        'SELECT id::text AS id, workspace_id, hour, conversation_id FROM report_changes ORDER BY id LIMIT $1',
        [options.batch ?? DEFAULT_BATCH],
      );
      if (changes.length === 0) return 0;
      const hours = new Map<string, Set<number>>();
      const conversations = new Map<string, Set<string>>();
      for (const change of changes) {
        if (change.hour) {
          const set = hours.get(change.workspace_id) ?? new Set<number>();
          set.add(change.hour.getTime());
          hours.set(change.workspace_id, set);
        }
        if (change.conversation_id) {
          const set = conversations.get(change.workspace_id) ?? new Set<string>();
          set.add(change.conversation_id);
          conversations.set(change.workspace_id, set);
        }
      }
      for (const [workspaceId, set] of hours) {
        await this.recomputeHours(
          manager,
          workspaceId,
          [...set].sort((a, b) => a - b).map((t) => new Date(t)),
        );
      }
      for (const [workspaceId, set] of conversations) await this.recomputeConversations(manager, workspaceId, [...set]);
      if (options.interrupt) await options.interrupt();
      await manager.query('DELETE FROM report_changes WHERE id = ANY($1::bigint[])', [changes.map((c) => c.id)]);
      return changes.length;
    });
  }

  /** Runs rounds until no change is left (`wait`: queue behind a round another process runs, else stop); returns how many it handled. */
  async drain(options: { wait?: boolean } = { wait: true }): Promise<number> {
    let total = 0;
    for (;;) {
      const handled = await this.runOnce(options);
      if (handled === 0) return total;
      total += handled;
    }
  }

  /**
   * Rebuilds a workspace's rollups (or every workspace's) from the raw rows:
   * drops them, logs every hour and conversation that has data as changed,
   * and drains. Also what a change of the business hours or the conversion
   * window needs to reach past data.
   */
  async rebuild(workspaceId: string | null): Promise<{ changes: number }> {
    await this.dataSource.transaction(async (manager) => {
      for (const table of ['report_hours', 'report_word_hours', 'report_service_events']) {
        await manager.query(`DELETE FROM ${table} WHERE $1::uuid IS NULL OR workspace_id = $1`, [workspaceId]);
      }
      await manager.query(
        `INSERT INTO report_changes (workspace_id, hour)
         SELECT DISTINCT workspace_id, hour FROM (
           SELECT workspace_id, date_trunc('hour', occurred_at) AS hour FROM messages WHERE $1::uuid IS NULL OR workspace_id = $1
           UNION ALL SELECT workspace_id, date_trunc('hour', started_at) FROM executions WHERE $1::uuid IS NULL OR workspace_id = $1
           UNION ALL SELECT workspace_id, date_trunc('hour', started_at) FROM execution_steps WHERE $1::uuid IS NULL OR workspace_id = $1
           UNION ALL SELECT workspace_id, date_trunc('hour', placed_at) FROM orders WHERE $1::uuid IS NULL OR workspace_id = $1
         ) h ORDER BY hour`,
        [workspaceId],
      );
      await manager.query(
        `INSERT INTO report_changes (workspace_id, conversation_id)
         SELECT workspace_id, id FROM conversations WHERE $1::uuid IS NULL OR workspace_id = $1`,
        [workspaceId],
      );
    });
    return { changes: await this.drain() };
  }

  private async recomputeHours(manager: EntityManager, workspaceId: string, hours: Date[]): Promise<void> {
    const { settings, intents } = await this.settings.get(workspaceId);
    const params = [workspaceId, hours];
    await manager.query('DELETE FROM report_hours WHERE workspace_id = $1 AND hour = ANY($2::timestamptz[])', params);
    await manager.query('DELETE FROM report_word_hours WHERE workspace_id = $1 AND hour = ANY($2::timestamptz[])', params);
    const inHours = (alias: string, column: string): string =>
      `JOIN unnest($2::timestamptz[]) h(hour) ON ${alias}.${column} >= h.hour AND ${alias}.${column} < h.hour + interval '1 hour'`;
    const insert = `INSERT INTO report_hours (workspace_id, hour, metric, number_id, flow_id, flow_version_id, node_id, template, category, country, status, error_code, count, seconds)`;
    const messageDims = (m: string): string =>
      `${m}.whatsapp_number_id, e.flow_id, e.flow_version_id, coalesce(${m}.node_id, ''),
       coalesce(CASE WHEN ${m}.type = 'template' THEN ${m}.payload->'template'->>'name' END, ''), coalesce(${m}.category, ''), ${COUNTRY}`;
    // Outbound messages by their current status; seconds = time to read, summed over read ones.
    await manager.query(
      `${insert}
       SELECT $1, h.hour, 'out', ${messageDims('m')}, coalesce(m.status, ''), coalesce(m.error_code, ''), count(*),
              coalesce(sum(extract(epoch FROM m.status_at - m.occurred_at)) FILTER (WHERE m.status = 'read'), 0)
         FROM messages m ${inHours('m', 'occurred_at')}
         JOIN contacts c ON c.id = m.contact_id
         LEFT JOIN executions e ON e.id = m.execution_id
        WHERE m.workspace_id = $1 AND m.direction = 'outbound'
        GROUP BY h.hour, 4, 5, 6, 7, 8, 9, 10, 11, 12`,
      params,
    );
    await manager.query(
      `${insert}
       SELECT $1, h.hour, 'in', m.whatsapp_number_id, NULL, NULL, '', '', '', ${COUNTRY}, '', '', count(*), 0
         FROM messages m ${inHours('m', 'occurred_at')}
         JOIN contacts c ON c.id = m.contact_id
        WHERE m.workspace_id = $1 AND m.direction = 'inbound'
        GROUP BY h.hour, 4, 10`,
      params,
    );
    // A reply: the customer's message right after an outbound one (within 24 h), counted with that message's dimensions.
    await manager.query(
      `${insert}
       SELECT $1, h.hour, 'reply', ${messageDims('p')}, '', '', count(*), 0
         FROM messages i ${inHours('i', 'occurred_at')}
         JOIN contacts c ON c.id = i.contact_id
         JOIN LATERAL (
           SELECT * FROM messages p
            WHERE p.contact_id = i.contact_id AND p.occurred_at < i.occurred_at
            ORDER BY p.occurred_at DESC LIMIT 1
         ) p ON p.direction = 'outbound' AND p.whatsapp_number_id = i.whatsapp_number_id AND p.status IS DISTINCT FROM 'failed'
              AND p.occurred_at > i.occurred_at - interval '24 hours'
         LEFT JOIN executions e ON e.id = p.execution_id
        WHERE i.workspace_id = $1 AND i.direction = 'inbound'
        GROUP BY h.hour, 4, 5, 6, 7, 8, 9, 10`,
      params,
    );
    // A conversion: an order within the window after a flow's message to the customer, credited to the last such message.
    await manager.query(
      `${insert}
       SELECT $1, h.hour, 'conversion', ${messageDims('p')}, '', '', count(*), 0
         FROM orders o ${inHours('o', 'placed_at')}
         JOIN contacts c ON c.id = o.contact_id
         JOIN LATERAL (
           SELECT * FROM messages p
            WHERE p.contact_id = o.contact_id AND p.direction = 'outbound' AND p.execution_id IS NOT NULL
              AND p.status IS DISTINCT FROM 'failed'
              AND p.occurred_at <= o.placed_at AND p.occurred_at > o.placed_at - make_interval(days => $3)
            ORDER BY p.occurred_at DESC LIMIT 1
         ) p ON true
         JOIN executions e ON e.id = p.execution_id
        WHERE o.workspace_id = $1
        GROUP BY h.hour, 4, 5, 6, 7, 8, 9, 10`,
      [...params, settings.reports.conversionDays],
    );
    await manager.query(
      `${insert}
       SELECT $1, h.hour, 'entered', NULL, e.flow_id, e.flow_version_id, '', '', '', '', '', '', count(*), 0
         FROM executions e ${inHours('e', 'started_at')}
        WHERE e.workspace_id = $1 AND NOT e.test_mode
        GROUP BY h.hour, 5, 6`,
      params,
    );
    // A step reached: its first attempt of its first visit in the execution.
    await manager.query(
      `${insert}
       SELECT $1, h.hour, 'step', NULL, e.flow_id, e.flow_version_id, s.node_id, '', '', '', '', '', count(*), 0
         FROM execution_steps s ${inHours('s', 'started_at')}
         JOIN executions e ON e.id = s.execution_id
        WHERE s.workspace_id = $1 AND s.attempt = 1 AND s.visit = 0 AND NOT e.test_mode
        GROUP BY h.hour, 5, 6, 7`,
      params,
    );
    // Words and intents of customers' messages: tokenised here, by the one definition in metrics/words.
    const texts = await sqlRows(
      manager,
      z.object({ hour: z.date(), number_id: z.string(), text: z.string() }),
      `SELECT h.hour, m.whatsapp_number_id AS number_id, m.text FROM messages m ${inHours('m', 'occurred_at')}
        WHERE m.workspace_id = $1 AND m.direction = 'inbound' AND m.text IS NOT NULL AND m.revoked_at IS NULL`,
      params,
    );
    const intentNames = Object.keys(effectiveIntents(settings));
    const counts = new Map<string, number>();
    const bump = (hour: Date, number: string, kind: string, term: string): void => {
      const key = JSON.stringify([hour.toISOString(), number, kind, term]);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    };
    for (const row of texts) {
      for (const word of messageWords(row.text)) bump(row.hour, row.number_id, 'word', word);
      for (const intent of intentNames) if (intents.matches(row.text, intent)) bump(row.hour, row.number_id, 'intent', intent);
    }
    const rows = [...counts].map(([key, count]) => ({
      key: z.tuple([z.string(), z.string(), z.string(), z.string()]).parse(JSON.parse(key)),
      count,
    }));
    for (let start = 0; start < rows.length; start += 5000) {
      const slice = rows.slice(start, start + 5000);
      await manager.query(
        `INSERT INTO report_word_hours (workspace_id, hour, number_id, kind, term, count)
         SELECT $1, * FROM unnest($2::timestamptz[], $3::uuid[], $4::text[], $5::text[], $6::int[])`,
        [
          workspaceId,
          slice.map((r) => r.key[0]),
          slice.map((r) => r.key[1]),
          slice.map((r) => r.key[2]),
          slice.map((r) => r.key[3].slice(0, 200)),
          slice.map((r) => r.count),
        ],
      );
    }
  }

  private async recomputeConversations(manager: EntityManager, workspaceId: string, ids: string[]): Promise<void> {
    const { settings } = await this.settings.get(workspaceId);
    const hours = businessHoursOf(settings.reports);
    await manager.query('DELETE FROM report_service_events WHERE conversation_id = ANY($1::uuid[])', [ids]);
    const conversations = await sqlRows(
      manager,
      z.object({ id: z.string(), number_id: z.string() }),
      'SELECT id, whatsapp_number_id AS number_id FROM conversations WHERE id = ANY($1::uuid[]) AND workspace_id = $2',
      [ids, workspaceId],
    );
    const messages = await sqlRows(
      manager,
      z.object({ conversation_id: z.string(), direction: z.string(), sent_by_user_id: z.string().nullable(), occurred_at: z.date() }),
      'SELECT conversation_id, direction, sent_by_user_id, occurred_at FROM messages WHERE conversation_id = ANY($1::uuid[])',
      [ids],
    );
    const notes = await sqlRows(
      manager,
      z.object({
        conversation_id: z.string(),
        author_user_id: z.string().nullable(),
        text: z.string(),
        details: z.unknown(),
        occurred_at: z.date(),
      }),
      `SELECT conversation_id, author_user_id, text, details, occurred_at FROM conversation_notes
        WHERE conversation_id = ANY($1::uuid[]) AND kind = 'activity'`,
      [ids],
    );
    const items = new Map<string, ServiceItem[]>();
    const add = (id: string, item: ServiceItem): void => {
      const list = items.get(id) ?? [];
      list.push(item);
      items.set(id, list);
    };
    for (const m of messages) {
      if (m.direction === 'inbound') add(m.conversation_id, { kind: 'customer', at: m.occurred_at });
      else if (m.sent_by_user_id) add(m.conversation_id, { kind: 'agent', at: m.occurred_at, userId: m.sent_by_user_id });
      else add(m.conversation_id, { kind: 'bot', at: m.occurred_at });
    }
    for (const n of notes) {
      const item = activityItem(n.details, n.text, n.occurred_at, n.author_user_id);
      if (item) add(n.conversation_id, item);
    }
    const rows: (string | number | null)[][] = [];
    for (const conversation of conversations) {
      for (const e of serviceEvents(items.get(conversation.id) ?? [], hours, settings.timeZone)) {
        rows.push([conversation.id, conversation.number_id, e.cycle, e.kind, e.at.toISOString(), e.userId, e.seconds, e.businessSeconds]);
      }
    }
    for (let start = 0; start < rows.length; start += 5000) {
      const slice = rows.slice(start, start + 5000);
      const column = (i: number): unknown[] => slice.map((r) => r[i] ?? null);
      await manager.query(
        `INSERT INTO report_service_events (workspace_id, conversation_id, number_id, cycle, kind, at, user_id, seconds, business_seconds)
         SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::timestamptz[], $7::uuid[], $8::float8[], $9::float8[])`,
        [workspaceId, column(0), column(1), column(2), column(3), column(4), column(5), column(6), column(7)],
      );
    }
  }
}

const activityDetails = z.object({ event: z.string(), status: z.string().optional() }).loose();

/**
 * A conversation's activity line as a service item: a flow's hand-over, and
 * status changes (resolved, reopened, handed back to the bot). Older lines
 * carry no status in their details, so the activity text tells.
 */
export function activityItem(details: unknown, text: string, at: Date, userId: string | null): ServiceItem | null {
  const parsed = activityDetails.safeParse(details);
  if (!parsed.success) return null;
  if (parsed.data.event === 'hand_over') return { kind: 'handoff', at };
  if (parsed.data.event !== 'set_status') return null;
  const status = parsed.data.status ?? (text.endsWith(' resolved it') ? 'resolved' : text.endsWith(' reopened it') ? 'open' : 'pending');
  if (status === 'resolved') return { kind: 'resolved', at, userId };
  if (status === 'open') return { kind: 'reopened', at, userId };
  return { kind: 'to_bot', at };
}
