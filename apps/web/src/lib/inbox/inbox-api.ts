import { z } from 'zod';
import { callEngine, type ClientAnswer } from '../editor/engine-client';

const statuses = z.enum(['open', 'pending', 'snoozed', 'resolved']);

export const conversationSchema = z.object({
  id: z.string(),
  contact: z.object({ id: z.string(), name: z.string().nullable(), phone: z.string().nullable() }),
  status: statuses,
  snoozedUntil: z.string().nullable(),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  waitingSince: z.string().nullable(),
  lastMessage: z.object({ preview: z.string().nullable(), direction: z.string().nullable(), at: z.string() }).nullable(),
  lastActivityAt: z.string(),
  window: z.union([
    z.object({ open: z.literal(true), until: z.string() }),
    z.object({ open: z.literal(false), closedAt: z.string().nullable() }),
  ]),
  unread: z.number(),
  inboundCount: z.number(),
  resolvedInboundCount: z.number(),
  inboundSeen: z.number(),
  automation: z.object({
    state: z.enum(['running', 'paused']),
    pause: z
      .object({
        until: z.string().nullable(),
        reason: z.string(),
        scope: z.string(),
        since: z.string(),
        by: z.object({ id: z.string(), name: z.string() }).nullable(),
      })
      .nullable(),
  }),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const countsSchema = z.object({ mine: z.number(), unassigned: z.number(), all: z.number() });
export type TabCounts = z.infer<typeof countsSchema>;
export const listSchema = z.object({ data: z.array(conversationSchema), counts: countsSchema, nextCursor: z.string().nullable() });

export const messageSchema = z.object({
  kind: z.literal('message'),
  id: z.string(),
  conversationId: z.string().nullable(),
  wamid: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  type: z.string(),
  text: z.string().nullable(),
  occurredAt: z.string(),
  status: z.string().nullable(),
  error: z.object({ code: z.string().nullable(), title: z.string().nullable() }).nullable(),
  sender: z.union([
    z.object({ kind: z.literal('customer') }),
    z.object({
      kind: z.literal('flow'),
      flowId: z.string().nullable(),
      flowName: z.string().nullable(),
      executionId: z.string().nullable(),
      nodeId: z.string().nullable(),
    }),
    z.object({ kind: z.literal('agent'), userId: z.string(), name: z.string() }),
  ]),
  media: z
    .object({
      id: z.string(),
      kind: z.string(),
      status: z.string(),
      mimeType: z.string().nullable(),
      filename: z.string().nullable(),
      error: z.string().nullable(),
      url: z.string().nullable(),
      thumbnailUrl: z.string().nullable(),
    })
    .nullable(),
  details: z.object({
    header: z.string().optional(),
    footer: z.string().optional(),
    buttons: z.array(z.string()).optional(),
    list: z.object({ button: z.string(), rows: z.array(z.string()) }).optional(),
    template: z.object({ name: z.string(), language: z.string().nullable(), parameters: z.array(z.string()) }).optional(),
    reply: z.object({ id: z.string().nullable(), title: z.string() }).optional(),
    location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().nullable() }).optional(),
    caption: z.string().optional(),
    filename: z.string().optional(),
  }),
  replyToWamid: z.string().nullable(),
  reactsToWamid: z.string().nullable(),
  reactionEmoji: z.string().nullable(),
  editedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TimelineMessage = z.infer<typeof messageSchema>;

export const noteSchema = z.object({
  kind: z.enum(['note', 'activity']),
  id: z.string(),
  conversationId: z.string(),
  text: z.string(),
  author: z.object({ id: z.string(), name: z.string() }).nullable(),
  occurredAt: z.string(),
});
export type TimelineNote = z.infer<typeof noteSchema>;
export const entrySchema = z.union([messageSchema, noteSchema]);
export type TimelineEntry = z.infer<typeof entrySchema>;
export const timelineSchema = z.object({ data: z.array(entrySchema), nextBefore: z.string().nullable() });

const consent = z.enum(['unknown', 'opted_in', 'opted_out']);
export const detailSchema = z.object({
  conversation: conversationSchema,
  contact: z.object({
    id: z.string(),
    phoneE164: z.string().nullable(),
    displayName: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    tags: z.array(z.string()),
    fields: z.record(z.string(), z.unknown()),
    consent: z.object({ marketing: consent, transactional: consent }),
  }),
  orders: z.array(
    z.object({
      id: z.string(),
      externalId: z.string(),
      status: z.string(),
      total: z.string().nullable(),
      currency: z.string().nullable(),
      placedAt: z.string(),
    }),
  ),
  executions: z.array(
    z.object({
      id: z.string(),
      flowId: z.string(),
      flowName: z.string(),
      status: z.string(),
      startedAt: z.string(),
      step: z.string().nullable(),
      waiting: z.object({ kind: z.string(), since: z.string(), until: z.string().nullable() }).nullable(),
    }),
  ),
});
export type ConversationDetail = z.infer<typeof detailSchema>;

export const cannedReplySchema = z.object({ id: z.string(), shortcut: z.string(), text: z.string() });
export type CannedReply = z.infer<typeof cannedReplySchema>;

export const agentSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string().optional(),
  role: z.string(),
  disabled: z.boolean().optional(),
});

export interface ListFilters {
  tab: 'mine' | 'unassigned' | 'all';
  status: 'active' | 'open' | 'pending' | 'snoozed' | 'resolved' | 'all';
  q: string;
  sort: 'last_activity' | 'waiting_since';
}

/** The API's assignee filter for each tab: "me" is resolved by the engine to the signed-in user. */
const TAB_ASSIGNEE: Record<ListFilters['tab'], 'me' | 'unassigned' | 'all'> = { mine: 'me', unassigned: 'unassigned', all: 'all' };

export function listPath(filters: ListFilters, cursor: string | null = null): string {
  const params = new URLSearchParams({ assignee: TAB_ASSIGNEE[filters.tab], status: filters.status, sort: filters.sort, limit: '50' });
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (cursor) params.set('cursor', cursor);
  return `/api/conversations?${params.toString()}`;
}

const replyResult = z.object({ result: z.looseObject({ status: z.string() }), automationPausedUntil: z.string().nullable() });

export type Reply =
  | { type: 'text'; text: string }
  | { type: 'template'; template: { name: string; language: string; parameters: string[] } }
  | { type: 'image' | 'document' | 'video' | 'audio'; mediaId: string; caption?: string };

export function sendReply(
  conversationId: string,
  reply: Reply,
  idempotencyKey: string,
): Promise<ClientAnswer<z.infer<typeof replyResult>>> {
  return fetchJson(`/api/conversations/${conversationId}/messages`, replyResult, 'POST', reply, { 'idempotency-key': idempotencyKey });
}

export function post<T>(path: string, schema: z.ZodType<T>, body: unknown = {}): Promise<ClientAnswer<T>> {
  return fetchJson(path, schema, 'POST', body);
}

async function fetchJson<T>(
  path: string,
  schema: z.ZodType<T>,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<ClientAnswer<T>> {
  return callEngine(path, schema, { method, body: JSON.stringify(body), headers });
}

export const uploadSchema = z.object({
  id: z.string(),
  kind: z.string(),
  mimeType: z.string(),
  filename: z.string(),
  recompressed: z.boolean(),
});
