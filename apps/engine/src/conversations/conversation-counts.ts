import { z } from 'zod';
import { type SqlExecutor, sqlRow } from '../database/sql-rows';

/** How `conversation_counts` stores "nobody" (a key column cannot be NULL). */
export const NOBODY = '00000000-0000-0000-0000-000000000000';

/** Arbitrary constant for the fold's advisory lock ("parley counts"): one fold at a time across processes. */
const FOLD_LOCK = 7_402_110_318;

/**
 * The tab counts (mine, unassigned, all) of the conversations in `statuses`,
 * from the counts the trigger keeps: the folded totals plus the changes not
 * folded yet, read in one statement (one snapshot), so a fold running at the
 * same time is seen either wholly or not at all.
 */
export function keptCountsSql(workspaceId: string, statuses: readonly string[], userId: string): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT coalesce(sum(k.n) FILTER (WHERE k.assignee_key = $3), 0)::int AS mine,
                 coalesce(sum(k.n) FILTER (WHERE k.assignee_key = '${NOBODY}'), 0)::int AS unassigned,
                 coalesce(sum(k.n), 0)::int AS all
            FROM (SELECT status, assignee_key, n FROM conversation_counts WHERE workspace_id = $1
                  UNION ALL
                  SELECT status, assignee_key, delta FROM conversation_count_changes WHERE workspace_id = $1) k
           WHERE k.status = ANY($2::text[])`,
    params: [workspaceId, [...statuses], userId],
  };
}

/**
 * Folds the trigger's pending changes into the totals, in one transaction
 * (the caller's): readers see the changes either as changes or as totals.
 * Returns how many changes were folded, or null when another process holds
 * the fold.
 */
export async function foldCountChanges(executor: SqlExecutor): Promise<number | null> {
  const lock = await sqlRow(executor, z.object({ locked: z.boolean() }), 'SELECT pg_try_advisory_xact_lock($1) AS locked', [FOLD_LOCK]);
  if (!lock?.locked) return null;
  // Totals are updated in key order, so two folds could never wait on each other in a cycle.
  const folded = await sqlRow(
    executor,
    z.object({ folded: z.number() }),
    `WITH moved AS (DELETE FROM conversation_count_changes RETURNING workspace_id, status, assignee_key, delta),
          summed AS (SELECT workspace_id, status, assignee_key, sum(delta) AS d, count(*) AS c FROM moved GROUP BY 1, 2, 3),
          upserted AS (
            INSERT INTO conversation_counts AS k (workspace_id, status, assignee_key, n)
            SELECT workspace_id, status, assignee_key, d FROM summed ORDER BY 1, 2, 3
            ON CONFLICT (workspace_id, status, assignee_key) DO UPDATE SET n = k.n + EXCLUDED.n
            RETURNING 1)
     SELECT coalesce(sum(c), 0)::int AS folded FROM summed`,
  );
  return folded?.folded ?? 0;
}
