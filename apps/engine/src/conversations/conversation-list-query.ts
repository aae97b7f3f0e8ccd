import { z } from 'zod';
import { keptCountsSql } from './conversation-counts';
import { CONVERSATION_STATUSES } from './conversation-state';
import { bindConversationSql, CONVERSATION_COLUMNS, CONVERSATION_JOINS } from './conversation-view';

export const LIST_STATUSES = ['open', 'pending', 'snoozed', 'resolved', 'active', 'all'] as const;

/** `GET /api/conversations` query: filters, sort and cursor. */
export const conversationListQuery = z.object({
  status: z.enum(LIST_STATUSES).default('active').meta({ description: 'active = open or pending (the default); all = any status' }),
  assignee: z
    .union([z.enum(['me', 'unassigned', 'all']), z.uuid()])
    .default('all')
    .meta({ description: 'me, unassigned, all, or a user id' }),
  paused: z.enum(['true', 'false']).optional().meta({ description: 'Only conversations whose automation is (not) paused now' }),
  window: z.enum(['open', 'closed']).optional().meta({ description: 'The 24 h customer service window' }),
  tag: z.string().trim().min(1).max(100).optional(),
  q: z.string().trim().min(1).max(200).optional().meta({ description: 'Words in the messages, or the contact’s name or number' }),
  sort: z.enum(['last_activity', 'waiting_since']).default('last_activity'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ConversationListQuery = z.infer<typeof conversationListQuery>;

const cursorSchema = z.object({ v: z.string(), id: z.uuid() });

export function encodeCursor(value: Date | null, id: string): string {
  return Buffer.from(JSON.stringify({ v: value?.toISOString() ?? 'null', id })).toString('base64url');
}

/** The position a cursor names, or null when it is not one this API handed out. */
export function decodeCursor(cursor: string): { value: Date | null; id: string } | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (!parsed.success) return null;
    if (parsed.data.v === 'null') return { value: null, id: parsed.data.id };
    const value = new Date(parsed.data.v);
    return Number.isNaN(value.getTime()) ? null : { value, id: parsed.data.id };
  } catch {
    return null;
  }
}

/** Words of a search as a prefix query for PostgreSQL text search ("pric" finds "price"); null when no word is left. */
export function searchQuery(text: string): string | null {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
  return words.length === 0 ? null : words.map((w) => `${w}:*`).join(' & ');
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface BuiltListQuery {
  page: { sql: string; params: unknown[] };
  counts: { sql: string; params: unknown[] };
}

/** The statuses a status filter stands for. */
export function statusesOf(status: ConversationListQuery['status']): readonly string[] {
  if (status === 'active') return ['open', 'pending'];
  if (status === 'all') return CONVERSATION_STATUSES;
  return [status];
}

/**
 * The SQL of one list page and of the tab counts (mine, unassigned, all) for
 * the same filters. Pure: parameters are numbered, nothing is interpolated
 * from the input. The window filter uses the same margin as the policy gate.
 *
 * The page is chosen from `conversations` alone, in the order of an index
 * (see the migration ConversationListIndexes), and only its rows are joined
 * to contacts, assignees, read markers and pauses. Counts filtered by status
 * only come from the kept counts; other filters count the matching rows.
 */
export function buildConversationListQuery(
  query: ConversationListQuery,
  caller: { workspaceId: string; userId: string },
  now: Date,
  windowOpenSince: Date,
  cursor: { value: Date | null; id: string } | null,
): BuiltListQuery {
  const params: unknown[] = [caller.workspaceId, now, caller.userId];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // Every query names $2 (now) and $3 (the caller), so PostgreSQL knows their types even when no filter uses them.
  const where: string[] = ['c.workspace_id = $1', '$2::timestamptz IS NOT NULL', '$3::uuid IS NOT NULL'];
  // Written as the indexes' predicate, so PostgreSQL can use the partial indexes of the active view.
  if (query.status === 'active') where.push(`c.status IN ('open', 'pending')`);
  else if (query.status !== 'all') where.push(`c.status = ${add(query.status)}`);
  const onlyStatus = !query.window && !query.tag && !query.paused && !query.q;
  if (query.window === 'open') where.push(`c.last_inbound_at > ${add(windowOpenSince)}`);
  if (query.window === 'closed') where.push(`(c.last_inbound_at IS NULL OR c.last_inbound_at <= ${add(windowOpenSince)})`);
  if (query.tag) where.push(`EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.contact_id AND t.tag = ${add(query.tag)})`);
  if (query.paused) {
    const paused = `EXISTS (SELECT 1 FROM automation_pauses p WHERE p.workspace_id = c.workspace_id AND p.ended_at IS NULL
        AND p.starts_at <= $2 AND (p.ends_at IS NULL OR p.ends_at > $2)
        AND (p.scope = 'workspace' OR (p.scope = 'contact' AND p.contact_id = c.contact_id)))`;
    where.push(query.paused === 'true' ? paused : `NOT ${paused}`);
  }
  if (query.q) {
    const words = searchQuery(query.q);
    const like = add(`%${escapeLike(query.q)}%`);
    const byContact = `EXISTS (SELECT 1 FROM contacts sc WHERE sc.id = c.contact_id AND (sc.display_name ILIKE ${like} OR sc.phone_e164 ILIKE ${like}))`;
    where.push(
      words
        ? `(${byContact} OR c.id IN (SELECT m.conversation_id FROM messages m WHERE m.workspace_id = $1 AND m.text IS NOT NULL
             AND to_tsvector('simple', coalesce(m.text, '')) @@ to_tsquery('simple', ${add(words)})))`
        : byContact,
    );
  }
  const countWhere = [...where];
  const countParams = [...params];
  if (query.assignee === 'me') where.push('c.assignee_user_id = $3');
  else if (query.assignee === 'unassigned') where.push('c.assignee_user_id IS NULL');
  else if (query.assignee !== 'all') where.push(`c.assignee_user_id = ${add(query.assignee)}`);

  const byWaiting = query.sort === 'waiting_since';
  // Oldest wait first (nobody waiting: last); most recent activity first. The same expressions as the indexes.
  const key = byWaiting ? `coalesce(c.waiting_since, 'infinity'::timestamptz)` : 'c.last_activity_at';
  if (cursor) {
    const value = add(cursor.value ?? (byWaiting ? 'infinity' : null));
    const id = add(cursor.id);
    where.push(
      byWaiting ? `(${key}, c.id) > (${value}::timestamptz, ${id}::uuid)` : `(${key}, c.id) < (${value}::timestamptz, ${id}::uuid)`,
    );
  }
  const order = byWaiting ? `${key} ASC, c.id ASC` : `${key} DESC, c.id DESC`;
  const limit = add(query.limit + 1);
  const page = bindConversationSql(
    `SELECT ${CONVERSATION_COLUMNS}
       FROM (SELECT c.* FROM conversations c WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${limit}) c ${CONVERSATION_JOINS}
      ORDER BY ${order}`,
    2,
    3,
  );
  const counts = onlyStatus
    ? keptCountsSql(caller.workspaceId, statusesOf(query.status), caller.userId)
    : {
        sql: `SELECT count(*) FILTER (WHERE c.assignee_user_id = $3)::int AS mine,
                     count(*) FILTER (WHERE c.assignee_user_id IS NULL)::int AS unassigned,
                     count(*)::int AS all
                FROM conversations c WHERE ${countWhere.join(' AND ')}`,
        params: countParams,
      };
  return { page: { sql: page, params }, counts };
}
