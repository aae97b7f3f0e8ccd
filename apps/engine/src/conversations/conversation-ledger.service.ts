import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { type SqlExecutor } from '../database/sql-rows';
import { preparedExecute, preparedSqlRow, preparedSqlRows } from '../runtime/prepared-sql';
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
import { preparedRowsIn } from './prepared-rows';
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

/** A message of a batch being filed, with its view, the automation pause and its conversation (locked; `c_` null when none). */
const storedBatchRow = timelineMessageRow.extend({
  workspace_id: z.string(),
  contact_id: z.string(),
  whatsapp_number_id: z.string(),
  paused: z.boolean(),
  c_id: z.string().nullable(),
  c_status: z.enum(CONVERSATION_STATUSES).nullable(),
  c_snoozed_until: z.date().nullable(),
  c_assignee_user_id: z.string().nullable(),
  c_waiting_since: z.date().nullable(),
  c_last_inbound_at: z.date().nullable(),
  c_last_activity_at: z.date().nullable(),
  c_inbound_count: z.number().nullable(),
  c_resolved_inbound_count: z.number().nullable(),
  c_last_message_at: z.date().nullable(),
});
type StoredBatchRow = z.infer<typeof storedBatchRow>;

/** The conversation half of a `storedBatchRow` that has one. */
const lockedStateRow = z
  .object({
    c_id: z.string(),
    c_status: z.enum(CONVERSATION_STATUSES),
    c_snoozed_until: z.date().nullable(),
    c_assignee_user_id: z.string().nullable(),
    c_waiting_since: z.date().nullable(),
    c_last_inbound_at: z.date().nullable(),
    c_last_activity_at: z.date(),
    c_inbound_count: z.number(),
    c_resolved_inbound_count: z.number(),
  })
  .transform((r): StateRow => ({
    id: r.c_id,
    status: r.c_status,
    snoozed_until: r.c_snoozed_until,
    assignee_user_id: r.c_assignee_user_id,
    waiting_since: r.c_waiting_since,
    last_inbound_at: r.c_last_inbound_at,
    last_activity_at: r.c_last_activity_at,
    inbound_count: r.c_inbound_count,
    resolved_inbound_count: r.c_resolved_inbound_count,
  }));

/** A changed message's view, with its conversation's last message (`c_` null when it has no conversation). */
const updatedMessageRow = timelineMessageRow.extend({
  workspace_id: z.string(),
  c_last_message_id: z.string().nullable(),
  c_last_message_preview: z.string().nullable(),
  c_last_message_at: z.date().nullable(),
});

/** A conversation of a batch of messages, as it moves on message by message. */
interface FilingConversation {
  /** null until made (a conversation's first message). */
  id: string | null;
  workspaceId: string;
  contactId: string;
  numberId: string;
  /** As read (locked); null when it did not exist. */
  initial: ConversationState | null;
  state: ConversationState | null;
  lastMessageAt: Date | null;
  /** The batch's message that becomes its last one, if any does. */
  lastMessage: StoredLastMessage | null;
}

/** A message of a batch, filed: its conversation's transition and whether it became the last message. */
interface FiledMessage {
  row: StoredBatchRow;
  conversation: FilingConversation;
  transition: StateTransition;
  lastMessage: StoredLastMessage;
  latest: boolean;
}

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
    await this.messagesStored(manager, [messageId]);
  }

  /**
   * Messages just stored in one transaction (a webhook delivery, a batch),
   * in the order given: each joins its conversation, which moves on message
   * by message. A constant number of statements for the whole batch: one read
   * (the messages, their views, the automation pause and their conversations,
   * locked), one insert per conversation that does not exist yet, one write
   * (every conversation's new state and last message, every message's link)
   * and one for all the live events with their single notification; media
   * messages add their media row and a fresh view.
   */
  async messagesStored(manager: EntityManager, messageIds: readonly string[]): Promise<void> {
    if (messageIds.length === 0) return;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (await this.fileMessages(manager, messageIds)) return;
    }
    throw new Error(`the conversations of messages ${messageIds.join(', ')} could not be found or made`);
  }

  /** One attempt of `messagesStored`; false when another transaction made a conversation first (read again). */
  private async fileMessages(manager: EntityManager, messageIds: readonly string[]): Promise<boolean> {
    const now = this.clock.now();
    const rows = await preparedRowsIn(
      manager,
      storedBatchRow,
      `WITH batch AS (SELECT t.id, t.n FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)),
       conv AS MATERIALIZED (
         SELECT ${STATE_COLUMNS}, contact_id, whatsapp_number_id, last_message_at FROM conversations
          WHERE (contact_id, whatsapp_number_id) IN (
                 SELECT m.contact_id, m.whatsapp_number_id FROM batch JOIN messages m ON m.id = batch.id WHERE m.conversation_id IS NULL)
          ORDER BY id FOR UPDATE)
       SELECT ${MESSAGE_COLUMNS}, m.workspace_id, m.contact_id, m.whatsapp_number_id,
              EXISTS (SELECT 1 FROM automation_pauses p
                       WHERE p.workspace_id = m.workspace_id AND p.ended_at IS NULL AND p.starts_at <= $2
                         AND (p.ends_at IS NULL OR p.ends_at > $2)
                         AND (p.scope = 'workspace' OR (p.scope = 'contact' AND p.contact_id = m.contact_id))) AS paused,
              cv.id AS c_id, cv.status AS c_status, cv.snoozed_until AS c_snoozed_until, cv.assignee_user_id AS c_assignee_user_id,
              cv.waiting_since AS c_waiting_since, cv.last_inbound_at AS c_last_inbound_at, cv.last_activity_at AS c_last_activity_at,
              cv.inbound_count AS c_inbound_count, cv.resolved_inbound_count AS c_resolved_inbound_count,
              cv.last_message_at AS c_last_message_at
         FROM batch JOIN messages m ON m.id = batch.id ${MESSAGE_JOINS}
         LEFT JOIN conv cv ON cv.contact_id = m.contact_id AND cv.whatsapp_number_id = m.whatsapp_number_id
        WHERE m.conversation_id IS NULL
        ORDER BY batch.n`,
      [messageIds, now],
    );
    if (rows.length === 0) return true;
    // Each conversation of the batch, moved on message by message (the row is locked: nobody else moves it meanwhile).
    const conversations = new Map<string, FilingConversation>();
    const filed: FiledMessage[] = [];
    for (const row of rows) {
      const key = `${row.contact_id}/${row.whatsapp_number_id}`;
      let conversation = conversations.get(key);
      if (!conversation) {
        const initial = row.c_id === null ? null : toState(lockedStateRow.parse(row));
        conversation = {
          id: row.c_id,
          workspaceId: row.workspace_id,
          contactId: row.contact_id,
          numberId: row.whatsapp_number_id,
          initial,
          state: initial,
          lastMessageAt: row.c_last_message_at,
          lastMessage: null,
        };
        conversations.set(key, conversation);
      }
      const event = await this.eventOf(manager, row);
      const next = nextConversationState(conversation.state, event);
      const before = conversation.state;
      conversation.state = next.state;
      const lastMessage: StoredLastMessage = {
        id: row.id,
        preview: messagePreview(row.type, row.text, row.revoked_at !== null),
        direction: row.direction,
        at: row.occurred_at,
      };
      // A late webhook's message never replaces a newer last message.
      const latest = conversation.lastMessageAt === null || conversation.lastMessageAt.getTime() <= row.occurred_at.getTime();
      if (latest) {
        conversation.lastMessage = lastMessage;
        conversation.lastMessageAt = row.occurred_at;
      }
      filed.push({ row, conversation, transition: { changes: next.changes, before, after: next.state }, lastMessage, latest });
    }
    // Another transaction made one of them first: read it (locked) and apply the messages to theirs.
    if (
      !(await this.createAll(
        manager,
        [...conversations.values()].filter((c) => c.id === null),
      ))
    )
      return false;
    // The live events are made before the write, so that they go in its statement: one round trip for both.
    const events: NewStreamEvent[] = [];
    for (const { row, conversation, transition, lastMessage, latest } of filed) {
      const conversationId = conversation.id;
      if (conversationId === null) continue;
      const media = await this.recordMedia(manager, row);
      const view = media
        ? await this.messageView(manager, row.workspace_id, row.id)
        : viewTimelineMessage({ ...row, conversation_id: conversationId });
      // The media view is read before the message is linked below: it carries the link it is about to get.
      if (view)
        events.push({
          workspaceId: row.workspace_id,
          type: 'message.created',
          payload: { conversationId, message: { ...view, conversationId } },
        });
      events.push(...(await this.conversationEvents(manager, row.workspace_id, conversationId, transition, latest ? lastMessage : null)));
    }
    const publish = this.stream.statementParts(17);
    const updates = [...conversations.values()].filter((c) => c.initial !== null);
    await preparedRowsIn(
      manager,
      z.unknown(),
      `WITH moved AS (
         UPDATE conversations c SET status = v.status, snoozed_until = v.snoozed_until, assignee_user_id = v.assignee_user_id,
                waiting_since = v.waiting_since, last_inbound_at = v.last_inbound_at, last_activity_at = v.last_activity_at,
                inbound_count = v.inbound_count, resolved_inbound_count = v.resolved_inbound_count, updated_at = $10,
                last_message_id = coalesce(v.last_message_id, c.last_message_id),
                last_message_at = CASE WHEN v.last_message_id IS NULL THEN c.last_message_at ELSE v.last_message_at END,
                last_message_preview = CASE WHEN v.last_message_id IS NULL THEN c.last_message_preview ELSE v.last_message_preview END,
                last_message_direction = CASE WHEN v.last_message_id IS NULL THEN c.last_message_direction ELSE v.last_message_direction END
           FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::uuid[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[],
                       $8::int[], $9::int[], $11::uuid[], $12::timestamptz[], $13::text[], $14::text[])
                AS v(id, status, snoozed_until, assignee_user_id, waiting_since, last_inbound_at, last_activity_at, inbound_count,
                     resolved_inbound_count, last_message_id, last_message_at, last_message_preview, last_message_direction)
          WHERE c.id = v.id),
       -- A data-modifying WITH runs to completion whether or not it is read: one statement for the writes and the events.
       linked AS (
         UPDATE messages m SET conversation_id = l.conversation_id
           FROM unnest($15::uuid[], $16::uuid[]) AS l(message_id, conversation_id)
          WHERE m.id = l.message_id),
       ${publish.added}
       ${publish.notify}`,
      [
        updates.map((c) => c.id),
        updates.map((c) => c.state?.status ?? null),
        updates.map((c) => c.state?.snoozedUntil ?? null),
        updates.map((c) => c.state?.assigneeUserId ?? null),
        updates.map((c) => c.state?.waitingSince ?? null),
        updates.map((c) => c.state?.lastInboundAt ?? null),
        updates.map((c) => c.state?.lastActivityAt ?? null),
        updates.map((c) => c.state?.inboundCount ?? null),
        updates.map((c) => c.state?.resolvedInboundCount ?? null),
        now,
        updates.map((c) => c.lastMessage?.id ?? null),
        updates.map((c) => c.lastMessage?.at ?? null),
        updates.map((c) => c.lastMessage?.preview ?? null),
        updates.map((c) => c.lastMessage?.direction ?? null),
        filed.map((f) => f.row.id),
        filed.map((f) => f.conversation.id),
        ...this.stream.parameters(events),
      ],
    );
    return true;
  }

  /**
   * A stored message changed (a status, an edit, a deletion, its media
   * arrived): live views redraw it. One read (the message's view and whether
   * it is its conversation's last message) and the events; the conversation
   * is written only when its last message's preview changed (an edit, a
   * deletion), never for a delivery status.
   */
  async messageUpdated(manager: SqlExecutor, messageId: string): Promise<void> {
    const row = await preparedSqlRow(
      manager,
      updatedMessageRow,
      `SELECT ${MESSAGE_COLUMNS}, m.workspace_id, cv.last_message_id AS c_last_message_id, cv.last_message_preview AS c_last_message_preview,
              cv.last_message_at AS c_last_message_at
         FROM messages m ${MESSAGE_JOINS}
         LEFT JOIN conversations cv ON cv.id = m.conversation_id
        WHERE m.id = $1`,
      [messageId],
    );
    if (!row?.conversation_id) return;
    const conversationId = row.conversation_id;
    const preview = messagePreview(row.type, row.text, row.revoked_at !== null);
    const updated =
      row.c_last_message_id === messageId && row.c_last_message_at !== null && row.c_last_message_preview !== preview
        ? await preparedSqlRow(
            manager,
            z.object({ preview: z.string().nullable(), direction: z.string().nullable(), at: z.date() }),
            `UPDATE conversations SET last_message_preview = $3
              WHERE id = $1 AND last_message_id = $2 AND last_message_preview IS DISTINCT FROM $3 AND last_message_at IS NOT NULL
              RETURNING last_message_preview AS preview, last_message_direction AS direction, last_message_at AS at`,
            [conversationId, messageId, preview],
          )
        : undefined;
    const events: NewStreamEvent[] = [
      {
        workspaceId: row.workspace_id,
        type: 'message.updated',
        payload: { conversationId, message: viewTimelineMessage(row) },
      },
    ];
    if (updated) events.push(...(await this.conversationEvents(manager, row.workspace_id, conversationId, null, updated)));
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
    const row = await preparedSqlRow(
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
    const row = await preparedSqlRow(
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
    const row = await preparedSqlRow(
      executor,
      z.object({ id: z.string() }),
      'SELECT id FROM conversations WHERE workspace_id = $1 AND contact_id = $2 ORDER BY last_activity_at DESC LIMIT 1',
      [workspaceId, contactId],
    );
    return row?.id ?? null;
  }

  /** Wakes snoozed conversations whose time has come. Returns how many woke. */
  async wakeSnoozed(manager: EntityManager, limit: number): Promise<number> {
    const due = await preparedSqlRows(
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
    const row = await preparedSqlRow(
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
    const row = await preparedSqlRow(
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

  private async eventOf(manager: EntityManager, message: StoredBatchRow): Promise<ConversationEvent> {
    const at = message.occurred_at;
    if (message.direction === 'outbound') {
      return message.sent_by_user_id ? { kind: 'agent_message', at, userId: message.sent_by_user_id } : { kind: 'flow_message', at };
    }
    // A notice about the customer (a changed number) is not the customer writing.
    if (message.type === 'system') return { kind: 'flow_message', at };
    // On the transaction's own connection: a second pooled one, taken while the transaction holds its locks, can wait
    // for ever when every connection of the pool is held the same way (seen in the SIGKILL crash spec).
    const { settings } = await this.settings.get(message.workspace_id, manager);
    return { kind: 'customer_message', at, automationActive: !message.paused, botFirst: settings.inbox.botAnswersFirst };
  }

  /**
   * Makes the batch's new conversations, each with its state after the
   * batch's messages, in one statement (a group of webhook deliveries brings
   * many new customers at once). False when another transaction made one of
   * them first: the ones this statement made are taken back (nothing refers
   * to them yet), so that the caller's second reading finds only theirs and
   * applies the messages once.
   */
  private async createAll(manager: EntityManager, conversations: readonly FilingConversation[]): Promise<boolean> {
    // In one order (contact, number) in every transaction: two batches making the same conversations wait, never deadlock.
    const made = conversations
      .filter((c) => c.state !== null)
      .sort((a, b) => `${a.contactId}/${a.numberId}`.localeCompare(`${b.contactId}/${b.numberId}`));
    if (made.length === 0) return true;
    const created = await preparedSqlRows(
      manager,
      z.object({ id: z.string(), contact_id: z.string(), whatsapp_number_id: z.string() }),
      `INSERT INTO conversations (workspace_id, contact_id, whatsapp_number_id, status, snoozed_until, assignee_user_id, waiting_since,
                                  last_inbound_at, last_activity_at, inbound_count, resolved_inbound_count,
                                  last_message_id, last_message_at, last_message_preview, last_message_direction)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::uuid[], $7::timestamptz[],
                            $8::timestamptz[], $9::timestamptz[], $10::int[], $11::int[], $12::uuid[], $13::timestamptz[], $14::text[], $15::text[])
       ON CONFLICT (contact_id, whatsapp_number_id) DO NOTHING RETURNING id, contact_id, whatsapp_number_id`,
      [
        made.map((c) => c.workspaceId),
        made.map((c) => c.contactId),
        made.map((c) => c.numberId),
        made.map((c) => c.state?.status ?? null),
        made.map((c) => c.state?.snoozedUntil ?? null),
        made.map((c) => c.state?.assigneeUserId ?? null),
        made.map((c) => c.state?.waitingSince ?? null),
        made.map((c) => c.state?.lastInboundAt ?? null),
        made.map((c) => c.state?.lastActivityAt ?? null),
        made.map((c) => c.state?.inboundCount ?? null),
        made.map((c) => c.state?.resolvedInboundCount ?? null),
        made.map((c) => c.lastMessage?.id ?? null),
        made.map((c) => c.lastMessage?.at ?? null),
        made.map((c) => c.lastMessage?.preview ?? null),
        made.map((c) => c.lastMessage?.direction ?? null),
      ],
    );
    if (created.length < made.length) {
      if (created.length > 0)
        await preparedExecute(manager, 'DELETE FROM conversations WHERE id = ANY($1::uuid[])', [created.map((c) => c.id)]);
      return false;
    }
    const ids = new Map(created.map((c) => [`${c.contact_id}/${c.whatsapp_number_id}`, c.id]));
    for (const conversation of made) conversation.id = ids.get(`${conversation.contactId}/${conversation.numberId}`) ?? null;
    return true;
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
    const row = await preparedSqlRow(
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
    const user = await preparedSqlRow(
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
  private async recordMedia(manager: EntityManager, message: StoredBatchRow): Promise<boolean> {
    const kind = MEDIA_KINDS.find((k) => k === message.type);
    if (kind === undefined) return false;
    const notice = mediaNotice(kind, message.payload);
    if (message.direction === 'outbound') {
      if (notice.metaMediaId === null) return false;
      await manager.query(
        `UPDATE media_files SET message_id = $1 WHERE workspace_id = $2 AND meta_media_id = $3 AND message_id IS NULL AND direction = 'outbound'`,
        [message.id, message.workspace_id, notice.metaMediaId],
      );
      return true;
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
    return true;
  }
}
