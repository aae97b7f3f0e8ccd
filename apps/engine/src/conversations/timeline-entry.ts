import { z } from 'zod';
import { personName } from './conversation-view';
import { messageDetails, messageDetailsView } from './message-details';

/** Messages with their sender, media and edits (`m` = messages); binds nothing. */
export const MESSAGE_COLUMNS = `
  m.id, m.conversation_id, m.wamid, m.direction, m.type, m.text, m.payload, m.occurred_at, m.created_at, m.status, m.status_at,
  m.error_code, m.error_title, m.reply_to_wamid, m.reacts_to_wamid, nullif(m.payload #>> '{reaction,emoji}', '') AS reaction_emoji,
  m.edited_at, m.revoked_at, m.execution_id, m.node_id, m.sent_by_user_id,
  su.display_name AS sender_name, su.email AS sender_email, e.flow_id, f.name AS flow_name,
  (SELECT json_build_object('id', mf.id, 'kind', mf.kind, 'status', mf.status, 'mimeType', mf.mime_type, 'sizeBytes', mf.size_bytes,
                            'filename', mf.filename, 'error', mf.error, 'hasThumbnail', mf.thumbnail_key IS NOT NULL)
     FROM media_files mf WHERE mf.message_id = m.id ORDER BY mf.created_at LIMIT 1) AS media,
  coalesce((SELECT json_agg(json_build_object('text', c.text, 'at', c.occurred_at) ORDER BY c.occurred_at, c.id)
              FROM message_changes c WHERE c.message_id = m.id AND c.kind = 'edit'), '[]') AS edits`;

export const MESSAGE_JOINS = `
  LEFT JOIN users su ON su.id = m.sent_by_user_id
  LEFT JOIN executions e ON e.id = m.execution_id
  LEFT JOIN flows f ON f.id = e.flow_id`;

const mediaJson = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  mimeType: z.string().nullable(),
  sizeBytes: z.coerce.number().nullable(),
  filename: z.string().nullable(),
  error: z.string().nullable(),
  hasThumbnail: z.boolean(),
});

export const timelineMessageRow = z.object({
  id: z.string(),
  conversation_id: z.string().nullable(),
  wamid: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  type: z.string(),
  text: z.string().nullable(),
  payload: z.unknown(),
  occurred_at: z.date(),
  created_at: z.date(),
  status: z.string().nullable(),
  status_at: z.date().nullable(),
  error_code: z.string().nullable(),
  error_title: z.string().nullable(),
  reply_to_wamid: z.string().nullable(),
  reacts_to_wamid: z.string().nullable(),
  reaction_emoji: z.string().nullable(),
  edited_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
  execution_id: z.string().nullable(),
  node_id: z.string().nullable(),
  sent_by_user_id: z.string().nullable(),
  sender_name: z.string().nullable(),
  sender_email: z.string().nullable(),
  flow_id: z.string().nullable(),
  flow_name: z.string().nullable(),
  media: mediaJson.nullable(),
  edits: z.array(z.object({ text: z.string().nullable(), at: z.string() })),
});
export type TimelineMessageRow = z.infer<typeof timelineMessageRow>;

const iso = z.iso.datetime({ offset: true });

export const senderView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('customer') }),
  z.object({
    kind: z.literal('flow'),
    flowId: z.uuid().nullable(),
    flowName: z.string().nullable(),
    executionId: z.uuid().nullable(),
    nodeId: z.string().nullable(),
  }),
  z.object({ kind: z.literal('agent'), userId: z.uuid(), name: z.string() }),
]);

export const timelineMessageView = z.object({
  kind: z.literal('message'),
  id: z.uuid(),
  conversationId: z.uuid().nullable(),
  wamid: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  type: z.string(),
  text: z.string().nullable(),
  occurredAt: iso,
  status: z.string().nullable().meta({ description: 'Outbound: accepted, sent, delivered, read, played or failed' }),
  statusAt: iso.nullable(),
  error: z.object({ code: z.string().nullable(), title: z.string().nullable() }).nullable(),
  sender: senderView,
  media: z
    .object({
      id: z.uuid(),
      kind: z.string(),
      status: z.string().meta({ description: 'pending (being fetched), stored, failed or rejected (type or size)' }),
      mimeType: z.string().nullable(),
      sizeBytes: z.number().nullable(),
      filename: z.string().nullable(),
      error: z.string().nullable(),
      url: z.string().nullable().meta({ description: 'Where the browser gets the file (signed-in)' }),
      thumbnailUrl: z.string().nullable(),
    })
    .nullable(),
  details: messageDetailsView,
  replyToWamid: z.string().nullable(),
  reactsToWamid: z.string().nullable(),
  reactionEmoji: z.string().nullable(),
  editedAt: iso.nullable(),
  revokedAt: iso.nullable(),
  edits: z.array(z.object({ text: z.string().nullable(), at: iso })),
});
export type TimelineMessageView = z.infer<typeof timelineMessageView>;

export const noteRow = z.object({
  id: z.string(),
  conversation_id: z.string(),
  kind: z.enum(['note', 'activity']),
  author_user_id: z.string().nullable(),
  author_name: z.string().nullable(),
  author_email: z.string().nullable(),
  text: z.string(),
  details: z.record(z.string(), z.unknown()),
  occurred_at: z.date(),
  created_at: z.date(),
});
export type NoteRow = z.infer<typeof noteRow>;

export const NOTE_COLUMNS = `n.id, n.conversation_id, n.kind, n.author_user_id, au.display_name AS author_name, au.email AS author_email,
  n.text, n.details, n.occurred_at, n.created_at`;
export const NOTE_JOINS = 'LEFT JOIN users au ON au.id = n.author_user_id';

export const timelineNoteView = z.object({
  kind: z.enum(['note', 'activity']),
  id: z.uuid(),
  conversationId: z.uuid(),
  text: z.string(),
  author: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  details: z.record(z.string(), z.unknown()),
  occurredAt: iso,
});
export type TimelineNoteView = z.infer<typeof timelineNoteView>;

export const timelineEntryView = z.union([timelineMessageView, timelineNoteView]);
export type TimelineEntryView = z.infer<typeof timelineEntryView>;

/**
 * A message as the console shows it: a deleted message shows no words (they
 * stay in the database for the audit only), a failure carries Meta's code and
 * title, and the sender is the customer, a flow step or an agent.
 */
export function viewTimelineMessage(row: TimelineMessageRow): TimelineMessageView {
  const revoked = row.revoked_at !== null;
  const sender: TimelineMessageView['sender'] =
    row.direction === 'inbound'
      ? { kind: 'customer' }
      : row.sent_by_user_id
        ? { kind: 'agent', userId: row.sent_by_user_id, name: personName(row.sender_name, row.sender_email) }
        : { kind: 'flow', flowId: row.flow_id, flowName: row.flow_name, executionId: row.execution_id, nodeId: row.node_id };
  const media = row.media;
  const details = revoked ? {} : messageDetails(row.type, row.payload);
  return {
    kind: 'message',
    id: row.id,
    conversationId: row.conversation_id,
    wamid: row.wamid,
    direction: row.direction,
    type: row.type,
    text: revoked ? null : row.text,
    occurredAt: row.occurred_at.toISOString(),
    status: row.status,
    statusAt: row.status_at?.toISOString() ?? null,
    error: row.error_code !== null || row.error_title !== null ? { code: row.error_code, title: row.error_title } : null,
    sender,
    media:
      media && !revoked
        ? {
            id: media.id,
            kind: media.kind,
            status: media.status,
            mimeType: media.mimeType,
            sizeBytes: media.sizeBytes,
            filename: media.filename,
            error: media.error,
            url: media.status === 'stored' ? `/api/media/${media.id}` : null,
            thumbnailUrl: media.status === 'stored' && media.hasThumbnail ? `/api/media/${media.id}?variant=thumbnail` : null,
          }
        : null,
    details,
    replyToWamid: row.reply_to_wamid,
    reactsToWamid: row.reacts_to_wamid,
    reactionEmoji: row.reacts_to_wamid === null ? null : row.reaction_emoji,
    editedAt: row.edited_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    edits: revoked ? [] : row.edits.map((edit) => ({ text: edit.text, at: new Date(edit.at).toISOString() })),
  };
}

export function viewTimelineNote(row: NoteRow): TimelineNoteView {
  return {
    kind: row.kind,
    id: row.id,
    conversationId: row.conversation_id,
    text: row.text,
    author: row.author_user_id ? { id: row.author_user_id, name: personName(row.author_name, row.author_email) } : null,
    details: row.details,
    occurredAt: row.occurred_at.toISOString(),
  };
}
