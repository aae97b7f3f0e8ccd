import { z } from 'zod';
import { type SqlExecutor, sqlRows } from '../database/sql-rows';

/** Per table of the public schema: its row count, or (with `contents`) its row count and a digest of every row. */
export type TableSnapshot = Record<string, string>;

export interface SnapshotOptions {
  /** Also digest each table's rows, so an UPDATE shows too (not just inserts and deletes). */
  contents?: boolean;
  /** Tables left out (e.g. the migrations bookkeeping). */
  except?: readonly string[];
}

const tableRow = z.object({ name: z.string() });
const stateRow = z.object({ name: z.string(), state: z.string() });

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Tables whose rows upkeep rewrites at any time without changing what they
 * mean: the tab counts are the folded totals plus the changes not folded yet,
 * so the snapshot holds their sum (one entry), and the changes table none.
 * Background upkeep queues and cursors (the reports' change log, which the
 * rollup consumes every few seconds, and the duplicate scan's position) are
 * left out: they move on their own, not because of a request. So are the
 * report rollups: they are recomputed from the raw rows (which the snapshot
 * covers) whenever the rollup catches up, so a round that lands between two
 * snapshots would look like a write by the request in between. A recount
 * asked for earlier finishes in that background round too: its progress
 * columns and its "reports.recounted" audit entry are the round's writes, so
 * only what a request writes of them is held. The same holds for a duplicate
 * scan job: a worker moves its stage and counts on its own.
 */
const KEPT_TOTALS: Record<string, string | null> = {
  conversation_counts: `SELECT workspace_id, status, assignee_key, sum(n) AS n
      FROM (SELECT workspace_id, status, assignee_key, n FROM conversation_counts
            UNION ALL SELECT workspace_id, status, assignee_key, delta FROM conversation_count_changes) k
     GROUP BY 1, 2, 3 HAVING sum(n) <> 0`,
  conversation_count_changes: null,
  report_changes: null,
  report_hours: null,
  report_word_hours: null,
  report_service_events: null,
  report_service_hist: null,
  report_reply_facts: null,
  report_conversion_facts: null,
  report_tag_hours: null,
  report_days: null,
  report_traffic_hours: null,
  report_word_days: null,
  report_discount_facts: null,
  report_discount_days: null,
  report_rebuilds: null,
  report_rebuild_slices: null,
  duplicate_scan_state: null,
  audit_log: `SELECT * FROM audit_log WHERE action <> 'reports.recounted'`,
  report_recounts: 'SELECT id, workspace_id, requested_by, requested_at FROM report_recounts',
  // A watched word is the request's; its last check (share, count, breach) is the rollup worker's, once a minute.
  report_word_alerts: 'SELECT id, workspace_id, term, direction, threshold, period_days, created_at, updated_at FROM report_word_alerts',
  // A duplicate scan job is worked in the background: its progress columns are the worker's writes, the row the request's;
  // the nightly job is queued by the worker's own round (at once in a new workspace), so its row is the worker's too.
  duplicate_scan_jobs: "SELECT id, workspace_id, detected_by, created_at FROM duplicate_scan_jobs WHERE detected_by <> 'nightly'",
};

/**
 * Snapshots every table of the database in one query, for tests that a
 * refused request stored nothing: take one before, one after, compare with
 * `changedTables`. Every table is listed from the catalogue, so a table
 * added later is covered without touching the tests.
 */
export async function snapshotTables(executor: SqlExecutor, options: SnapshotOptions = {}): Promise<TableSnapshot> {
  const except = new Set(['migrations', 'typeorm_metadata', ...(options.except ?? [])]);
  const tables = (
    await sqlRows(executor, tableRow, `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
  ).filter((t) => !except.has(t.name) && KEPT_TOTALS[t.name] !== null);
  if (tables.length === 0) return {};
  const parts = tables.map((t) => {
    const kept = KEPT_TOTALS[t.name];
    if (typeof kept === 'string')
      return `SELECT '${t.name}' AS name, (SELECT count(*)::text || ':' || coalesce(md5(string_agg(r::text, ',' ORDER BY r::text)), '') FROM (${kept}) r) AS state`;
    const table = quoteIdentifier(t.name);
    const state = options.contents
      ? `count(*)::text || ':' || coalesce(md5(string_agg(r::text, ',' ORDER BY r::text)), '')`
      : `count(*)::text`;
    return `SELECT '${t.name.replace(/'/g, "''")}' AS name, (SELECT ${state} FROM ${table} r) AS state`;
  });
  const rows = await sqlRows(executor, stateRow, parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.name, r.state]));
}

/** The tables whose state differs between two snapshots, with both states. */
export function changedTables(
  before: TableSnapshot,
  after: TableSnapshot,
): Record<string, { before: string | null; after: string | null }> {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed: Record<string, { before: string | null; after: string | null }> = {};
  for (const name of names) {
    const a = before[name] ?? null;
    const b = after[name] ?? null;
    if (a !== b) changed[name] = { before: a, after: b };
  }
  return changed;
}
