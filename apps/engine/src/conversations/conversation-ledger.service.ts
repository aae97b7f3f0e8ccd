import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { type SqlExecutor, sqlRow, sqlRows } from '../database/sql-rows';
import type { NewStreamEvent } from '../stream/stream-event';
import { StreamPublisher } from '../stream/stream-publisher.service';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import {
  CONVERSATION_STATUSES,
  type ConversationChange,
  type ConversationEvent,
  type ConversationState,
  nextConversationState,
} from './conversation-state';
import {
  bindConversationSql,
  CONVERSATION_COLUMNS,
  CONVERSATION_JOINS,
  conversationRow,
  type ConversationView,
  personName,
  viewConversation,
} from './conversation-view';
import { changedConversationFields, type ConversationFields, type LastMessage } from './conversation-update';
import { MEDIA_KINDS, mediaNotice } from './media/media-kinds';
import { MESSAGE_COLUMNS, MESSAGE_JOINS, timelineMessageRow, type TimelineMessageView, viewTimelineMessage } from './timeline-entry';

const stateRow = z.object({
  id: z.string(),
  status: z.enum(CONVERSATION_STATUSES),
  snoozed_until: z.date().nullable(),
  assignee_user_id: z.string().nullable(),
  waiting_since: z.date().nullable(),
  last_inbound_at: z.date().nullable(),
  last_activity_at: z.date(),
  inbound_count: z.number(),
  resolved_inbound_count: z.number(),
});
type StateRow = z.infer<typeof stateRow>;

/** A message just stored, as the conversation keeps its last one. */
interface StoredLastMessage extends LastMessage {
  id: string;
}

/** A conversation's state before and after an event, and what the state machine says changed. */
interface StateTransition {
  changes: readonly ConversationChange[];
  before: ConversationState | null;
  after: ConversationState;
}
const STATE_COLUMNS =
  'id, status, snoozed_until, assignee_user_id, waiting_since, last_inbound_at, last_activity_at, inbound_count, resolved_inbound_count';

const storedMessageRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  contact_id: z.string(),
  whatsapp_number_id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  type: z.string(),
  text: z.string().nullable(),
  payload: z.unknown(),
  occurred_at: z.date(),
  execution_id: z.string().nullable(),
  sent_by_user_id: z.string().nullable(),
  conversation_id: z.string().nullable(),
  revoked_at: z.date().nullable(),
});

function toState(row: StateRow): ConversationState {
  return {
    status: row.status,
    snoozedUntil: row.snoozed_until,
    assigneeUserId: row.assignee_user_id,
    waitingSince: row.waiting_since,
    lastInboundAt: row.last_inbound_at,
    lastActivityAt: row.last_activity_at,
    inboundCount: row.inbound_count,
    resolvedInboundCount: row.resolved_inbound_count,
  };
}

/** What a conversation list shows of a message: its words, or what kind of message it is. */
export function messagePreview(type: string, text: string | null, revoked: boolean): string {
  if (revoked) return 'Message deleted';
  const words = text?.trim();
  if (words) return words.length > 200 ? `${words.slice(0, 199)}…` : words;
  return `[${type}]`;
}

/** Who did something to a conversation, for its activity line. */
export interface ConversationActor {
  userId: string | null;
  /** For the activity line, e.g. "Anna took over" or "Flow Welcome handed over". */
  label: string;
}

/**
 * Keeps each conversation in step with its messages and the people working
 * on it. It is called inside the transaction that stores the message (webhook
 * processing, a send) or makes the change (an agent's action), applies the
 * state machine (`nextConversationState`), writes the conversation and the
 * activity line, and publishes the live events in that same transaction.
 */
@Injectable()
export class ConversationLedgerService {
  constructor(
    private readonly clock: Clock,
    private readonly stream: StreamPublisher,
    private readonly settings: WorkspaceSettingsService,
  ) {}

  /** A message was just stored (either direction): it joins its conversation, which moves on. */
  async messageStored(manager: EntityManager, messageId: string): Promise<void> {
    const message = await sqlRow(
      manager,
      storedMessageRow,
      `SELECT id, workspace_id, contact_id, whatsapp_number_id, direction, type, text, payload, occurred_at, execution_id,
              sent_by_user_id, conversation_id, revoked_at
         FROM messages WHERE id = $1`,
      [messageId],
    );
    if (!message || message.conversation_id !== null) return;
    const event = await this.eventOf(manager, message);
    const lastMessage: StoredLastMessage = {
      id: message.id,
      preview: messagePreview(message.type, message.text, message.revoked_at !== null),
      direction: message.direction,
      at: message.occurred_at,
    };
    const {
      id: conversationId,
      transition,
      latest,
    } = await this.transition(manager, message.workspace_id, message.contact_id, message.whatsapp_number_id, event, lastMessage);
    await manager.query('UPDATE messages SET conversation_id = $2 WHERE id = $1', [message.id, conversationId]);
    await this.recordMedia(manager, message);
    const view = await this.messageView(manager, message.workspace_id, message.id);
    const events: NewStreamEvent[] = [];
    if (view) events.push({ workspaceId: message.workspace_id, type: 'message.created', payload: { conversationId, message: view } });
    events.push(...(await this.conversationEvents(manager, message.workspace_id, conversationId, transition, latest ? lastMessage : null)));
    await this.stream.publish(manager, events);
  }

  /** A stored message changed (a status, an edit, a deletion, its media arrived): live views redraw it. */
  async messageUpdated(manager: SqlExecutor, messageId: string): Promise<void> {
    const row = await sqlRow(
      manager,
      z.object({
        workspace_id: z.string(),
        conversation_id: z.string().nullable(),
        type: z.string(),
        text: z.string().nullable(),
        revoked_at: z.date().nullable(),
      }),
      'SELECT workspace_id, conversation_id, type, text, revoked_at FROM messages WHERE id = $1',
      [messageId],
    );
    if (!row?.conversation_id) return;
    const updated = await sqlRow(
      manager,
      z.object({ preview: z.string().nullable(), direction: z.string().nullable(), at: z.date() }),
      `UPDATE conversations SET last_message_preview = $3
        WHERE id = $1 AND last_message_id = $2 AND last_message_preview IS DISTINCT FROM $3 AND last_message_at IS NOT NULL
        RETURNING last_message_preview AS preview, last_message_direction AS direction, last_message_at AS at`,
      [row.conversation_id, messageId, messagePreview(row.type, row.text, row.revoked_at !== null)],
    );
    const view = await this.messageView(manager, row.workspace_id, messageId);
    const events: NewStreamEvent[] = [];
    if (view)
      events.push({
        workspaceId: row.workspace_id,
        type: 'message.updated',
        payload: { conversationId: row.conversation_id, message: view },
      });
    if (updated) events.push(...(await this.conversationEvents(manager, row.workspace_id, row.conversation_id, null, updated)));
    await this.stream.publish(manager, events);
  }

  /**
   * A person or a flow acts on a conversation (assign, status, snooze, take
   * over, hand over). Writes the new state, an activity line when something
   * changed, and the live events. Returns what changed.
   */
  async act(
    manager: EntityManager,
    workspaceId: string,
    conversationId: string,
    event: ConversationEvent,
    actor: ConversationActor,
    activity: string | null,
  ): Promise<ConversationChange[]> {
    const row = await sqlRow(
      manager,
      stateRow,
      `SELECT ${STATE_COLUMNS} FROM conversations WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
      [conversationId, workspaceId],
    );
    if (!row) return [];
    const before = toState(row);
    const transition = nextConversationState(before, event);
    await this.writeState(manager, conversationId, transition.state, null);
    const events = await this.conversationEvents(
      manager,
      workspaceId,
      conversationId,
      { changes: transition.changes, before, after: transition.state },
      null,
    );
    if (activity !== null && transition.changes.some((c) => c === 'status' || c === 'assignee')) {
      events.push(
        await this.addActivity(manager, workspaceId, conversationId, actor, activity, {
          event: event.kind,
          // Reports read the status a set_status activity moved to (reports/report-rollup.service.ts).
          ...(event.kind === 'set_status' ? { status: event.status } : {}),
        }),
      );
    }
    await this.stream.publish(manager, events);
    return transition.changes;
  }

  /** Writes an activity line on a conversation's timeline; returns its live event (the caller publishes). */
  async addActivity(
    manager: SqlExecutor,
    workspaceId: string,
    conversationId: string,
    actor: ConversationActor,
    text: string,
    details: Record<string, unknown>,
  ): Promise<NewStreamEvent> {
    const row = await sqlRow(
      manager,
      z.object({ id: z.string(), occurred_at: z.date() }),
      `INSERT INTO conversation_notes (workspace_id, conversation_id, kind, author_user_id, text, details, occurred_at)
       VALUES ($1, $2, 'activity', $3, $4, $5, $6) RETURNING id, occurred_at`,
      [workspaceId, conversationId, actor.userId, text.slice(0, 1000), JSON.stringify(details), this.clock.now()],
    );
    return {
      workspaceId,
      type: 'note.created',
      payload: {
        conversationId,
        note: {
          kind: 'activity',
          id: row?.id,
          conversationId,
          text,
          author: actor.userId ? { id: actor.userId, name: actor.label } : null,
          details,
          occurredAt: row?.occurred_at.toISOString(),
        },
      },
    };
  }

  /** The conversation of a contact (the most recently active one), if any. */
  async conversationOfContact(executor: SqlExecutor, workspaceId: string, contactId: string): Promise<string | null> {
    const row = await sqlRow(
      executor,
      z.object({ id: z.string() }),
      'SELECT id FROM conversations WHERE workspace_id = $1 AND contact_id = $2 ORDER BY last_activity_at DESC LIMIT 1',
      [workspaceId, contactId],
    );
    return row?.id ?? null;
  }

  /** Wakes snoozed conversations whose time has come. Returns how many woke. */
  async wakeSnoozed(manager: EntityManager, limit: number): Promise<number> {
    const due = await sqlRows(
      manager,
      z.object({ id: z.string(), workspace_id: z.string() }),
      `SELECT id, workspace_id FROM conversations WHERE status = 'snoozed' AND snoozed_until <= $1
        ORDER BY snoozed_until LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [this.clock.now(), limit],
    );
    for (const row of due) {
      await this.act(
        manager,
        row.workspace_id,
        row.id,
        { kind: 'tick', at: this.clock.now() },
        { userId: null, label: 'Snooze' },
        'Snooze ended',
      );
    }
    return due.length;
  }

  async messageView(executor: SqlExecutor, workspaceId: string, messageId: string): Promise<TimelineMessageView | null> {
    const row = await sqlRow(
      executor,
      timelineMessageRow,
      `SELECT ${MESSAGE_COLUMNS} FROM messages m ${MESSAGE_JOINS} WHERE m.id = $1 AND m.workspace_id = $2`,
      [messageId, workspaceId],
    );
    return row ? viewTimelineMessage(row) : null;
  }

  /** A conversation as `userId` sees it (their unread count), or as everyone does (null). */
  async conversationView(
    executor: SqlExecutor,
    workspaceId: string,
    conversationId: string,
    userId: string | null,
  ): Promise<ConversationView | null> {
    const row = await sqlRow(
      executor,
      conversationRow,
      bindConversationSql(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations c ${CONVERSATION_JOINS} WHERE c.id = $1 AND c.workspace_id = $2`,
        3,
        4,
      ),
      [conversationId, workspaceId, this.clock.now(), userId],
    );
    return row ? viewConversation(row, this.clock.now()) : null;
  }

  private async eventOf(manager: EntityManager, message: z.infer<typeof storedMessageRow>): Promise<ConversationEvent> {
    const at = message.occurred_at;
    if (message.direction === 'outbound') {
      return message.sent_by_user_id ? { kind: 'agent_message', at, userId: message.sent_by_user_id } : { kind: 'flow_message', at };
    }
    // A notice about the customer (a changed number) is not the customer writing.
    if (message.type === 'system') return { kind: 'flow_message', at };
    const { settings } = await this.settings.get(message.workspace_id);
    const paused = await sqlRow(
      manager,
      z.object({ found: z.boolean() }),
      `SELECT true AS found FROM automation_pauses
        WHERE workspace_id = $1 AND ended_at IS NULL AND starts_at <= $3 AND (ends_at IS NULL OR ends_at > $3)
          AND (scope = 'workspace' OR (scope = 'contact' AND contact_id = $2)) LIMIT 1`,
      [message.workspace_id, message.contact_id, this.clock.now()],
    );
    return { kind: 'customer_message', at, automationActive: !paused, botFirst: settings.inbox.botAnswersFirst };
  }

  /** Finds or makes the conversation of (contact, number), locked, and applies `event` to it. */
  private async transition(
    manager: EntityManager,
    workspaceId: string,
    contactId: string,
    numberId: string,
    event: ConversationEvent,
    lastMessage: StoredLastMessage,
  ): Promise<{ id: string; transition: StateTransition; latest: boolean }> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const row = await sqlRow(
        manager,
        stateRow,
        `SELECT ${STATE_COLUMNS} FROM conversations WHERE contact_id = $1 AND whatsapp_number_id = $2 FOR UPDATE`,
        [contactId, numberId],
      );
      if (row) {
        const before = toState(row);
        const next = nextConversationState(before, event);
        const latest = await this.writeState(manager, row.id, next.state, lastMessage);
        return { id: row.id, transition: { changes: next.changes, before, after: next.state }, latest };
      }
      const next = nextConversationState(null, event);
      const created = await sqlRow(
        manager,
        z.object({ id: z.string() }),
        `INSERT INTO conversations (workspace_id, contact_id, whatsapp_number_id, status, snoozed_until, assignee_user_id, waiting_since,
                                    last_inbound_at, last_activity_at, inbound_count, resolved_inbound_count,
                                    last_message_id, last_message_at, last_message_preview, last_message_direction)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (contact_id, whatsapp_number_id) DO NOTHING RETURNING id`,
        [
          workspaceId,
          contactId,
          numberId,
          next.state.status,
          next.state.snoozedUntil,
          next.state.assigneeUserId,
          next.state.waitingSince,
          next.state.lastInboundAt,
          next.state.lastActivityAt,
          next.state.inboundCount,
          next.state.resolvedInboundCount,
          lastMessage.id,
          lastMessage.at,
          lastMessage.preview,
          lastMessage.direction,
        ],
      );
      // Another transaction made it first: apply the event to theirs.
      if (created) return { id: created.id, transition: { changes: next.changes, before: null, after: next.state }, latest: true };
    }
    throw new Error(`conversation of contact ${contactId} could not be found or made`);
  }

  /**
   * Writes a conversation's new state and, with a message just stored, makes
   * it the last message unless a later one is already there (a late webhook);
   * one statement for both. Returns whether `lastMessage` is now the last.
   */
  private async writeState(
    manager: SqlExecutor,
    id: string,
    state: ConversationState,
    lastMessage: StoredLastMessage | null,
  ): Promise<boolean> {
    const row = await sqlRow(
      manager,
      z.object({ latest: z.boolean() }),
      `WITH incoming AS (
         SELECT c.id, $11::uuid IS NOT NULL AND (c.last_message_at IS NULL OR c.last_message_at <= $12::timestamptz) AS latest
           FROM conversations c WHERE c.id = $1)
       UPDATE conversations c SET status = $2, snoozed_until = $3, assignee_user_id = $4, waiting_since = $5, last_inbound_at = $6,
              last_activity_at = $7, inbound_count = $8, resolved_inbound_count = $9, updated_at = $10,
              last_message_id = CASE WHEN i.latest THEN $11::uuid ELSE c.last_message_id END,
              last_message_at = CASE WHEN i.latest THEN $12::timestamptz ELSE c.last_message_at END,
              last_message_preview = CASE WHEN i.latest THEN $13::text ELSE c.last_message_preview END,
              last_message_direction = CASE WHEN i.latest THEN $14::text ELSE c.last_message_direction END
         FROM incoming i WHERE c.id = i.id
       RETURNING i.latest`,
      [
        id,
        state.status,
        state.snoozedUntil,
        state.assigneeUserId,
        state.waitingSince,
        state.lastInboundAt,
        state.lastActivityAt,
        state.inboundCount,
        state.resolvedInboundCount,
        this.clock.now(),
        lastMessage?.id ?? null,
        lastMessage?.at ?? null,
        lastMessage?.preview ?? null,
        lastMessage?.direction ?? null,
      ],
    );
    return row?.latest ?? false;
  }

  /**
   * The live events of a conversation change: `conversation.updated` with the
   * conversation's id and only the fields that changed (no query, except the
   * assignee's name when the assignee changed), plus status and assignee
   * changes by name. `transition` null: only the last message changed.
   */
  private async conversationEvents(
    executor: SqlExecutor,
    workspaceId: string,
    conversationId: string,
    transition: StateTransition | null,
    lastMessage: LastMessage | null,
  ): Promise<NewStreamEvent[]> {
    const changes = transition?.changes ?? [];
    if (changes.length === 0 && lastMessage === null) return [];
    const fields: ConversationFields & { assignee?: { id: string; name: string } | null } = changedConversationFields(
      transition,
      lastMessage,
      this.clock.now(),
    );
    const events: NewStreamEvent[] = [];
    if (transition && changes.includes('assignee')) fields.assignee = await this.assignee(executor, transition.after.assigneeUserId);
    events.push({ workspaceId, type: 'conversation.updated', payload: { conversationId, changes: fields } });
    if (transition && changes.includes('status')) {
      events.push({
        workspaceId,
        type: 'conversation.status_changed',
        payload: { conversationId, status: transition.after.status, previous: transition.before?.status ?? null },
      });
    }
    if (transition && changes.includes('assignee')) {
      events.push({ workspaceId, type: 'conversation.assigned', payload: { conversationId, assignee: fields.assignee ?? null } });
    }
    return events;
  }

  private async assignee(executor: SqlExecutor, userId: string | null): Promise<{ id: string; name: string } | null> {
    if (userId === null) return null;
    const user = await sqlRow(
      executor,
      z.object({ display_name: z.string().nullable(), email: z.string().nullable() }),
      'SELECT display_name, email FROM users WHERE id = $1',
      [userId],
    );
    return { id: userId, name: personName(user?.display_name ?? null, user?.email ?? null) };
  }

  /**
   * Media of a message: a customer's file is queued for fetching from the
   * Cloud API at once (its URL expires within minutes); a file an agent
   * uploaded is linked to the message that sent it.
   */
  private async recordMedia(manager: EntityManager, message: z.infer<typeof storedMessageRow>): Promise<void> {
    const kind = MEDIA_KINDS.find((k) => k === message.type);
    if (kind === undefined) return;
    const notice = mediaNotice(kind, message.payload);
    if (message.direction === 'outbound') {
      if (notice.metaMediaId === null) return;
      await manager.query(
        `UPDATE media_files SET message_id = $1 WHERE workspace_id = $2 AND meta_media_id = $3 AND message_id IS NULL AND direction = 'outbound'`,
        [message.id, message.workspace_id, notice.metaMediaId],
      );
      return;
    }
    await manager.query(
      `INSERT INTO media_files (workspace_id, message_id, whatsapp_number_id, direction, kind, meta_media_id, mime_type, sha256, filename, status, next_attempt_at)
       VALUES ($1, $2, $3, 'inbound', $4, $5, $6, $7, $8, $9, $10)`,
      [
        message.workspace_id,
        message.id,
        message.whatsapp_number_id,
        kind,
        notice.metaMediaId,
        notice.mimeType,
        notice.sha256,
        notice.filename,
        notice.metaMediaId === null ? 'failed' : 'pending',
        this.clock.now(),
      ],
    );
    await manager.query(`SELECT pg_notify('parley_media', '')`);
  }
}
