import {
  BadRequestException,
  Controller,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Post,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { Clock } from '../common/clock';
import { ErrorResponses, ZodBody, ZodParam, ZodQuery, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { contactViewSchema, viewContact } from '../contacts/contact-view';
import { loadRuntimeContact } from '../contacts/runtime-contact-row';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import { PauseService } from '../pauses/pause.service';
import { StreamPublisher } from '../stream/stream-publisher.service';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { ConversationLedgerService } from './conversation-ledger.service';
import { buildConversationListQuery, conversationListQuery, decodeCursor, encodeCursor } from './conversation-list-query';
import { ConversationReadsService } from './conversation-reads.service';
import { preparedRow, preparedRows } from './prepared-rows';
import { ConversationReplyService, replySchema } from './conversation-reply.service';
import { windowClosesAt } from '../whatsapp/policy/customer-service-window';
import type { ConversationEvent } from './conversation-state';
import { conversationRow, conversationView, personName, viewConversation } from './conversation-view';
import {
  MESSAGE_COLUMNS,
  MESSAGE_JOINS,
  NOTE_COLUMNS,
  NOTE_JOINS,
  noteRow,
  timelineEntryView,
  timelineMessageRow,
  timelineNoteView,
  type TimelineEntryView,
  viewTimelineMessage,
  viewTimelineNote,
} from './timeline-entry';

const countsView = z.object({ mine: z.number().int(), unassigned: z.number().int(), all: z.number().int() });
const listView = z.object({
  data: z.array(conversationView),
  counts: countsView.meta({ description: 'Conversations per tab (Mine, Unassigned, All) for the same filters' }),
  nextCursor: z.string().nullable(),
});

const timelineQuery = z.object({
  before: z.string().max(200).optional().meta({ description: 'The nextBefore of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const noteSchema = z.object({ text: z.string().trim().min(1).max(4000) }).strict();
const assignSchema = z.object({ userId: z.uuid().nullable().meta({ description: 'null: nobody' }) }).strict();
const statusSchema = z
  .object({
    status: z.enum(['open', 'pending', 'snoozed', 'resolved']),
    /** With snoozed: when it wakes; null or absent = at the customer's next message. */
    snoozeUntil: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict()
  .refine((v) => v.status === 'snoozed' || v.snoozeUntil === undefined || v.snoozeUntil === null, {
    message: 'only a snooze has an end',
    path: ['snoozeUntil'],
  });

const executionView = z.object({
  id: z.uuid(),
  flowId: z.uuid(),
  flowName: z.string(),
  status: z.string(),
  startedAt: z.iso.datetime({ offset: true }),
  step: z.string().nullable(),
  waiting: z
    .object({ kind: z.string(), since: z.iso.datetime({ offset: true }), until: z.iso.datetime({ offset: true }).nullable() })
    .nullable(),
});
const detailView = z.object({
  conversation: conversationView,
  contact: contactViewSchema,
  orders: z.array(
    z.object({
      id: z.uuid(),
      externalId: z.string(),
      status: z.string(),
      total: z.string().nullable(),
      currency: z.string().nullable(),
      placedAt: z.iso.datetime({ offset: true }),
    }),
  ),
  executions: z.array(executionView).meta({ description: 'Active runs for this contact; held ones wait for the pause to end' }),
});
const replyView = z.object({
  result: z.looseObject({ status: z.enum(['accepted', 'failed', 'blocked', 'unknown']) }),
  automationPausedUntil: z.iso.datetime({ offset: true }).nullable(),
});

const executionRow = z.object({
  id: z.string(),
  flow_id: z.string(),
  flow_name: z.string(),
  status: z.string(),
  started_at: z.date(),
  current_node_id: z.string().nullable(),
  wait_kind: z.string().nullable(),
  wait_since: z.date().nullable(),
  wait_until: z.date().nullable(),
});
const orderRow = z.object({
  id: z.string(),
  external_id: z.string(),
  status: z.string(),
  total: z.string().nullable(),
  currency: z.string().nullable(),
  placed_at: z.date(),
});
const userRow = z.object({
  id: z.string(),
  display_name: z.string(),
  email: z.string(),
  role: z.string(),
  disabled_at: z.date().nullable(),
});

const timelineCursorSchema = z.object({ at: z.iso.datetime({ offset: true }), createdAt: z.iso.datetime({ offset: true }), id: z.uuid() });

function encodeTimelineCursor(entry: { at: Date; createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify({ at: entry.at.toISOString(), createdAt: entry.createdAt.toISOString(), id: entry.id })).toString(
    'base64url',
  );
}

/** The position `before` names: (time of the entry, when it was stored, its id), so entries at the same second keep their order. */
function timelineCursor(value: string | undefined): { at: Date; createdAt: Date; id: string } | null {
  if (value === undefined) return null;
  let parsed: z.ZodSafeParseResult<z.infer<typeof timelineCursorSchema>> | null = null;
  try {
    parsed = timelineCursorSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) {
    throw new BadRequestException({
      message: 'before must be the nextBefore of an earlier page.',
      code: 'invalid_input',
      issues: [{ in: 'query', path: 'before', message: 'not a cursor this API handed out' }],
    });
  }
  return { at: new Date(parsed.data.at), createdAt: new Date(parsed.data.createdAt), id: parsed.data.id };
}

/**
 * The support console's API: conversations, their timeline (messages, notes,
 * activity), replies, notes, assignment, status and read markers. Support and
 * admins use all of it; marketers read only.
 */
@ApiTags('conversations')
@Controller('api/conversations')
export class ConversationsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: ConversationLedgerService,
    private readonly replies: ConversationReplyService,
    private readonly reads: ConversationReadsService,
    private readonly pauses: PauseService,
    private readonly settings: WorkspaceSettingsService,
    private readonly dispatcher: Dispatcher,
    private readonly stream: StreamPublisher,
    private readonly clock: Clock,
  ) {}

  @Get()
  @AnyRole()
  @ApiOperation({
    summary:
      'Conversations: filter by status, assignee (me, unassigned, all, a user id), paused, window, tag and words; sorted by last activity or longest wait; cursor paging; counts per tab in the same answer',
  })
  @ZodResponse(listView)
  @ErrorResponses({ 400: 'A filter is not valid, or the cursor is not one this API handed out' })
  async list(@CurrentPrincipal() principal: Principal, @ZodQuery(conversationListQuery) query: z.infer<typeof conversationListQuery>) {
    const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && cursor === null) {
      throw new BadRequestException({
        message: 'cursor must be the nextCursor of an earlier page.',
        code: 'invalid_input',
        issues: [{ in: 'query', path: 'cursor', message: 'not a cursor this API handed out' }],
      });
    }
    const now = this.clock.now();
    // Open windows: the customer wrote after this (the gate's margin included).
    const span = (windowClosesAt(now) ?? now).getTime() - now.getTime();
    const openSince = new Date(now.getTime() - span);
    const built = buildConversationListQuery(
      query,
      { workspaceId: principal.workspaceId, userId: principal.userId },
      now,
      openSince,
      cursor,
    );
    const [rows, counts] = await Promise.all([
      preparedRows(this.dataSource, conversationRow, built.page.sql, built.page.params),
      preparedRow(this.dataSource, countsView, built.counts.sql, built.counts.params),
    ]);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map((row) => viewConversation(row, now)),
      counts: counts ?? { mine: 0, unassigned: 0, all: 0 },
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor(query.sort === 'waiting_since' ? last.waiting_since : last.last_activity_at, last.id)
          : null,
    };
  }

  @Get(':id')
  @AnyRole()
  @ApiOperation({ summary: 'One conversation with the contact panel: contact, consent, tags, fields, orders, active and held runs, pause' })
  @ZodResponse(detailView)
  async get(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    const conversation = await this.ledger.conversationView(this.dataSource, principal.workspaceId, id, principal.userId);
    if (!conversation) throw new NotFoundException('No such conversation in this workspace.');
    const contact = await loadRuntimeContact(this.dataSource, principal.workspaceId, conversation.contact.id);
    if (!contact) throw new NotFoundException('No such conversation in this workspace.');
    const [orders, executions] = await Promise.all([
      sqlRows(
        this.dataSource,
        orderRow,
        `SELECT id, external_id, status, total::text AS total, currency, placed_at FROM orders
          WHERE workspace_id = $1 AND contact_id = $2 ORDER BY placed_at DESC LIMIT 5`,
        [principal.workspaceId, contact.id],
      ),
      sqlRows(
        this.dataSource,
        executionRow,
        `SELECT e.id, e.flow_id, f.name AS flow_name, e.status, e.started_at, e.current_node_id,
                w.kind AS wait_kind, w.created_at AS wait_since, w.due_at AS wait_until
           FROM executions e JOIN flows f ON f.id = e.flow_id
           LEFT JOIN waits w ON w.execution_id = e.id AND w.status = 'waiting'
          WHERE e.workspace_id = $1 AND e.contact_id = $2 AND e.status IN ('running', 'waiting', 'held') AND NOT e.test_mode
          ORDER BY e.started_at DESC LIMIT 20`,
        [principal.workspaceId, contact.id],
      ),
    ]);
    return {
      conversation,
      contact: viewContact(contact),
      orders: orders.map((o) => ({
        id: o.id,
        externalId: o.external_id,
        status: o.status,
        total: o.total,
        currency: o.currency,
        placedAt: o.placed_at.toISOString(),
      })),
      executions: executions.map((e) => ({
        id: e.id,
        flowId: e.flow_id,
        flowName: e.flow_name,
        status: e.wait_kind === 'hold' ? 'held' : e.status,
        startedAt: e.started_at.toISOString(),
        step: e.current_node_id,
        waiting: e.wait_kind
          ? { kind: e.wait_kind, since: (e.wait_since ?? e.started_at).toISOString(), until: e.wait_until?.toISOString() ?? null }
          : null,
      })),
    };
  }

  @Get(':id/messages')
  @AnyRole()
  @ApiOperation({ summary: 'The conversation’s timeline newest first: messages both ways, private notes and activity; page with ?before=' })
  @ZodResponse(z.object({ data: z.array(timelineEntryView), nextBefore: z.string().nullable() }))
  @ErrorResponses({ 400: 'before is not a cursor this API handed out' })
  async timeline(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodQuery(timelineQuery) query: z.infer<typeof timelineQuery>,
  ) {
    const before = timelineCursor(query.before);
    const params = [id, principal.workspaceId, before?.at ?? null, before?.createdAt ?? null, before?.id ?? null, query.limit + 1];
    const position = `($3::timestamptz IS NULL OR (x.occurred_at, x.created_at, x.id) < ($3::timestamptz, $4::timestamptz, $5::uuid))`;
    // The check and the page's reads go together (one round trip of waiting, not two): the reads are limited to the
    // caller's workspace themselves, and nothing is answered unless the conversation is found there.
    const [, messages, notes] = await Promise.all([
      this.requireConversation(principal, id),
      preparedRows(
        this.dataSource,
        timelineMessageRow,
        `SELECT ${MESSAGE_COLUMNS} FROM messages m ${MESSAGE_JOINS}
          WHERE m.conversation_id = $1 AND m.workspace_id = $2 AND ${position.replaceAll('x.', 'm.')}
          ORDER BY m.occurred_at DESC, m.created_at DESC, m.id DESC LIMIT $6`,
        params,
      ),
      preparedRows(
        this.dataSource,
        noteRow,
        `SELECT ${NOTE_COLUMNS} FROM conversation_notes n ${NOTE_JOINS}
          WHERE n.conversation_id = $1 AND n.workspace_id = $2 AND ${position.replaceAll('x.', 'n.')}
          ORDER BY n.occurred_at DESC, n.created_at DESC, n.id DESC LIMIT $6`,
        params,
      ),
    ]);
    const entries: { at: Date; createdAt: Date; id: string; view: TimelineEntryView }[] = [
      ...messages.map((m) => ({ at: m.occurred_at, createdAt: m.created_at, id: m.id, view: viewTimelineMessage(m) })),
      ...notes.map((n) => ({ at: n.occurred_at, createdAt: n.created_at, id: n.id, view: viewTimelineNote(n) })),
    ].sort(
      (a, b) =>
        b.at.getTime() - a.at.getTime() || b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    );
    const page = entries.slice(0, query.limit);
    const last = page.at(-1);
    return {
      data: page.map((e) => e.view),
      nextBefore: entries.length > query.limit && last ? encodeTimelineCursor(last) : null,
    };
  }

  @Post(':id/messages')
  @Roles('admin', 'support')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Reply: text while the 24 h window is open, an approved template with parameters at any time, or an image/document/video/audio (uploaded file or https link). Pauses automation for the contact for the takeover period (extending a pause, never stacking)',
  })
  @ZodResponse(replyView, { status: 201, description: 'Sent (or tried: see result)' })
  @ErrorResponses({ 422: 'The message cannot go out (window closed for free text, template refused, file not ready); nothing was stored' })
  async reply(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(replySchema) body: z.infer<typeof replySchema>,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    return this.replies.reply(principal, id, body, idempotencyKey);
  }

  @Post(':id/notes')
  @Roles('admin', 'support')
  @HttpCode(201)
  @ApiOperation({ summary: 'A private note on the conversation: the team sees it, the customer never does' })
  @ZodResponse(timelineNoteView, { status: 201, description: 'Noted' })
  async note(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(noteSchema) body: z.infer<typeof noteSchema>,
  ) {
    await this.requireConversation(principal, id);
    return this.dataSource.transaction(async (manager) => {
      const inserted = await sqlRow(
        manager,
        z.object({ id: z.string() }),
        `INSERT INTO conversation_notes (workspace_id, conversation_id, kind, author_user_id, text, occurred_at)
         VALUES ($1, $2, 'note', $3, $4, $5) RETURNING id`,
        [principal.workspaceId, id, principal.userId, body.text, this.clock.now()],
      );
      const row = await sqlRow(manager, noteRow, `SELECT ${NOTE_COLUMNS} FROM conversation_notes n ${NOTE_JOINS} WHERE n.id = $1`, [
        inserted?.id,
      ]);
      if (!row) throw new Error('note vanished');
      const note = viewTimelineNote(row);
      await this.stream.publish(manager, {
        workspaceId: principal.workspaceId,
        type: 'note.created',
        payload: { conversationId: id, note },
      });
      return note;
    });
  }

  @Post(':id/assign')
  @Roles('admin', 'support')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Assign to a support agent or admin (or nobody). Assigning a pending (bot-owned) conversation to yourself takes it over: it opens, and automation pauses for the takeover period',
  })
  @ZodResponse(conversationView)
  @ErrorResponses({ 422: 'The user is not an active support agent or admin of this workspace' })
  async assign(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(assignSchema) body: z.infer<typeof assignSchema>,
  ) {
    const conversation = await this.requireConversation(principal, id);
    let label = 'nobody';
    if (body.userId !== null) {
      const user = await sqlRow(
        this.dataSource,
        userRow,
        'SELECT id, display_name, email, role, disabled_at FROM users WHERE id = $1 AND workspace_id = $2',
        [body.userId, principal.workspaceId],
      );
      if (!user || user.disabled_at !== null || (user.role !== 'support' && user.role !== 'admin')) {
        throw new UnprocessableEntityException({
          message: 'Conversations go to active support agents or admins of this workspace.',
          code: 'not_an_agent',
          issues: [{ in: 'body', path: 'userId', message: 'not an active support agent or admin here' }],
        });
      }
      label = personName(user.display_name, user.email);
    }
    const me = await this.myName(principal);
    const takeOver = body.userId === principal.userId && conversation.status === 'pending';
    const now = this.clock.now();
    const event: ConversationEvent = takeOver
      ? { kind: 'take_over', at: now, userId: principal.userId }
      : { kind: 'assign', at: now, userId: body.userId };
    await this.dataSource.transaction((manager) =>
      this.ledger.act(
        manager,
        principal.workspaceId,
        id,
        event,
        { userId: principal.userId, label: me },
        takeOver ? `${me} took over from the bot` : `${me} assigned it to ${body.userId === principal.userId ? 'themselves' : label}`,
      ),
    );
    if (takeOver) {
      const { settings } = await this.settings.get(principal.workspaceId);
      await this.pauses.pause({
        workspaceId: principal.workspaceId,
        scope: 'contact',
        contactId: conversation.contact_id,
        until: new Date(now.getTime() + settings.takeoverHours * 3_600_000),
        reason: `${me} took over the conversation`,
        actor: { kind: 'user', userId: principal.userId },
      });
    }
    return this.view(principal, id);
  }

  @Post(':id/status')
  @Roles('admin', 'support')
  @HttpCode(200)
  @ApiOperation({ summary: 'Open, hand back to the bot (pending), snooze (until a time or the customer’s next message) or resolve' })
  @ZodResponse(conversationView)
  @ErrorResponses({ 422: 'A snooze must end in the future' })
  async status(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(statusSchema) body: z.infer<typeof statusSchema>,
  ) {
    await this.requireConversation(principal, id);
    const now = this.clock.now();
    const until = body.snoozeUntil ? new Date(body.snoozeUntil) : null;
    if (until && until.getTime() <= now.getTime()) {
      throw new UnprocessableEntityException({
        message: 'A snooze must end in the future.',
        code: 'snooze_in_past',
        issues: [{ in: 'body', path: 'snoozeUntil', message: 'in the past' }],
      });
    }
    const me = await this.myName(principal);
    const event: ConversationEvent =
      body.status === 'snoozed' ? { kind: 'snooze', at: now, until } : { kind: 'set_status', at: now, status: body.status };
    const activity =
      body.status === 'snoozed'
        ? `${me} snoozed it ${until ? `until ${until.toISOString()}` : 'until the customer writes'}`
        : body.status === 'resolved'
          ? `${me} resolved it`
          : body.status === 'pending'
            ? `${me} handed it back to the bot`
            : `${me} reopened it`;
    await this.dataSource.transaction((manager) =>
      this.ledger.act(manager, principal.workspaceId, id, event, { userId: principal.userId, label: me }, activity),
    );
    return this.view(principal, id);
  }

  @Post(':id/read')
  @Roles('admin', 'support')
  @HttpCode(200)
  @ApiOperation({ summary: 'Marks the customer’s messages so far as read by you (your unread count goes to zero, in every tab)' })
  @ZodResponse(z.object({ inboundSeen: z.number().int() }))
  async read(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    const marked = await this.reads.markRead(principal, id);
    if (!marked) throw new NotFoundException('No such conversation in this workspace.');
    return marked;
  }

  private async requireConversation(principal: Principal, id: string): Promise<{ contact_id: string; status: string }> {
    const row = await preparedRow(
      this.dataSource,
      z.object({ contact_id: z.string(), status: z.string() }),
      'SELECT contact_id, status FROM conversations WHERE id = $1 AND workspace_id = $2',
      [id, principal.workspaceId],
    );
    if (!row) throw new NotFoundException('No such conversation in this workspace.');
    return row;
  }

  private async myName(principal: Principal): Promise<string> {
    const row = await sqlRow(this.dataSource, z.object({ display_name: z.string() }), 'SELECT display_name FROM users WHERE id = $1', [
      principal.userId,
    ]);
    return personName(row?.display_name ?? null, principal.email);
  }

  private async view(principal: Principal, id: string) {
    const view = await this.ledger.conversationView(this.dataSource, principal.workspaceId, id, principal.userId);
    if (!view) throw new NotFoundException('No such conversation in this workspace.');
    return view;
  }
}
