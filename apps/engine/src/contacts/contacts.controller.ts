import {
  BadRequestException,
  Controller,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Patch,
  Post,
  UnprocessableEntityException,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IANAZone } from 'luxon';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { ErrorResponses, ZodBody, ZodParam, ZodQuery, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { Dispatcher } from '../dispatch/dispatcher';
import { type PauseOutcome, PauseService } from '../pauses/pause.service';
import { WhatsAppSenderService } from '../whatsapp/whatsapp-sender.service';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { ConsentService } from './consent.service';
import { ContactActionsService } from './contact-actions.service';
import { contactFilterSchema, decodeCursor } from './contact-list-query';
import { contactListItemSchema, ContactListService } from './contact-list.service';
import { contactViewSchema, viewContact } from './contact-view';
import { loadRuntimeContact } from './runtime-contact-row';

const listQuery = contactFilterSchema.extend({
  cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const updateSchema = z
  .object({
    firstName: z.string().trim().max(100).nullable().optional(),
    lastName: z.string().trim().max(100).nullable().optional(),
    email: z.email().max(320).nullable().optional(),
    timeZone: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), 'not a known time zone')
      .nullable()
      .optional(),
    locale: z
      .string()
      .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
      .nullable()
      .optional(),
    fields: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,49}$/), z.unknown()).optional(),
    addTags: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    removeTags: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    /** What the customer agreed to, e.g. on a paper form or by phone; recorded with who entered it. */
    consent: z
      .object({ marketing: z.enum(['opted_in', 'opted_out']).optional(), transactional: z.enum(['opted_in', 'opted_out']).optional() })
      .refine((c) => c.marketing !== undefined || c.transactional !== undefined, 'give marketing or transactional')
      .optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');

const pauseSchema = z.object({
  hours: z
    .number()
    .min(0.25)
    .max(24 * 365)
    .nullable()
    .default(null),
  reason: z.string().trim().max(500).default(''),
});

const messageSchema = z.object({ text: z.string().trim().min(1).max(4096) });

const pauseView = z.object({ scope: z.enum(['contact', 'flow', 'workspace']), reason: z.string(), until: z.iso.datetime().nullable() });
const contactDetailView = contactViewSchema.extend({
  automationPaused: pauseView.nullable().meta({ description: 'The pause that holds automation for this contact now, if any' }),
});
const pausedView = z.object({ pauseId: z.uuid(), until: z.iso.datetime().nullable() });
const sendResultView = z
  .looseObject({ status: z.enum(['accepted', 'failed', 'blocked', 'unknown']) })
  .meta({ description: 'What became of the send: accepted (with wamid), failed (errorCode), blocked (rule, reason) or unknown' });
const agentMessageView = z.object({
  result: sendResultView,
  automationPausedUntil: z.iso
    .datetime()
    .nullable()
    .meta({ description: 'Automation for the contact is paused until then (null when the message did not go out)' }),
});

const SIMPLE_COLUMNS = { firstName: 'first_name', lastName: 'last_name', email: 'email', timeZone: 'time_zone', locale: 'locale' } as const;

@ApiTags('contacts')
@Controller('api/contacts')
export class ContactsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly actions: ContactActionsService,
    private readonly consent: ConsentService,
    private readonly pauses: PauseService,
    private readonly sender: WhatsAppSenderService,
    private readonly workspaces: WorkspaceSettingsService,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    private readonly contactList: ContactListService,
    private readonly audit: AuditService,
  ) {}

  private async load(principal: Principal, id: string) {
    const contact = await loadRuntimeContact(this.dataSource, principal.workspaceId, id);
    if (!contact) throw new NotFoundException('No such contact in this workspace.');
    return contact;
  }

  @Get()
  @AnyRole()
  @ApiOperation({
    summary:
      'Contacts of the workspace, most recently changed first, a page at a time; search by name, number in any format or email; filter by tag, list, consent, lead source, last interaction or CRM link',
  })
  @ZodResponse(z.object({ data: z.array(contactListItemSchema), nextCursor: z.string().nullable() }))
  async list(@CurrentPrincipal() principal: Principal, @ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && cursor === null) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'cursor: not a cursor this list gave' });
    }
    return this.contactList.page(principal.workspaceId, query, cursor, query.limit);
  }

  @Get(':id')
  @AnyRole()
  @ApiOperation({ summary: 'One contact, with tags, list, fields and whether automation is paused' })
  @ZodResponse(contactDetailView)
  async get(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    const contact = await this.load(principal, id);
    const pause = await this.pauses.active(principal.workspaceId, id, null);
    return {
      ...viewContact(contact),
      automationPaused: pause ? { scope: pause.scope, reason: pause.reason, until: pause.until?.toISOString() ?? null } : null,
    };
  }

  @Patch(':id')
  @Roles('admin', 'marketer', 'support')
  @ApiOperation({ summary: 'Change names, email, time zone, language, custom fields, tags or consent (marketing / notifications)' })
  @ZodResponse(contactViewSchema)
  async update(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(updateSchema) body: z.infer<typeof updateSchema>,
  ) {
    await this.load(principal, id);
    const scope = { workspaceId: principal.workspaceId, contactId: id, source: `user:${principal.userId}` };
    // Every change or none: a failure part-way leaves the contact as it was.
    await this.dataSource.transaction(async (manager) => {
      for (const [key, column] of Object.entries(SIMPLE_COLUMNS)) {
        const value: unknown = Object.entries(body).find(([k]) => k === key)?.[1];
        if (value !== undefined) {
          await manager.query(`UPDATE contacts SET ${column} = $3, updated_at = $4 WHERE id = $1 AND workspace_id = $2`, [
            id,
            principal.workspaceId,
            value,
            this.clock.now(),
          ]);
        }
      }
      for (const [field, value] of Object.entries(body.fields ?? {})) await this.actions.setField(scope, field, value, manager);
      if (body.addTags) await this.actions.addTags(scope, body.addTags, manager);
      if (body.removeTags) await this.actions.removeTags(scope, body.removeTags, manager);
      // Who changed what on a contact is kept (fields, tags, consent, names).
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'contact.updated',
          subjectType: 'contact',
          subjectId: id,
          details: { changes: body },
        },
        manager,
      );
      for (const kind of ['marketing', 'transactional'] as const) {
        const value = body.consent?.[kind];
        if (value)
          await this.consent.record(
            { workspaceId: principal.workspaceId, contactId: id, kind, value, source: `user:${principal.userId}` },
            manager,
          );
      }
    });
    // Tag and field changes are events flows may react to.
    await this.dispatcher.dispatch([{ kind: 'contact', id }]);
    return viewContact(await this.load(principal, id));
  }

  @Post(':id/pause')
  @Roles('admin', 'marketer', 'support')
  @HttpCode(201)
  @ApiOperation({ summary: 'Pause automation for this contact (for some hours, or until resumed)' })
  @ZodResponse(pausedView, { status: 201, description: 'Paused' })
  async pause(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(pauseSchema) body: z.infer<typeof pauseSchema>,
  ) {
    await this.load(principal, id);
    const until = body.hours === null ? null : new Date(this.clock.now().getTime() + body.hours * 3_600_000);
    const pause = await this.pauses.pause({
      workspaceId: principal.workspaceId,
      scope: 'contact',
      contactId: id,
      until,
      reason: body.reason || 'Paused by hand',
      actor: { kind: 'user', userId: principal.userId },
    });
    return { pauseId: pause.id, until: until?.toISOString() ?? null };
  }

  @Post(':id/resume')
  @Roles('admin', 'marketer', 'support')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume automation for this contact now; held executions continue' })
  @ZodResponse(z.object({ resumed: z.number().int().meta({ description: 'Pauses ended' }) }))
  async resume(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    await this.load(principal, id);
    const result = await this.pauses.resume(principal.workspaceId, 'contact', id, { kind: 'user', userId: principal.userId });
    await this.dispatcher.dispatch(result.contacts.map((contactId) => ({ kind: 'contact' as const, id: contactId })));
    return { resumed: result.ended };
  }

  @Post(':id/messages')
  @Roles('admin', 'support')
  @HttpCode(201)
  @ApiOperation({ summary: 'An agent writes to the contact; automation for the contact pauses for the takeover period (12 h by default)' })
  @ZodResponse(agentMessageView, { status: 201, description: 'Sent (or tried: see `result`)' })
  @ErrorResponses({
    422: 'The message cannot go out (no WhatsApp id, no number, outside the 24 h window, breaks WhatsApp limits); nothing was stored',
  })
  async message(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(messageSchema) body: z.infer<typeof messageSchema>,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    await this.load(principal, id);
    const { settings } = await this.workspaces.get(principal.workspaceId);
    const until = new Date(this.clock.now().getTime() + settings.takeoverHours * 3_600_000);
    const taken: { pause?: PauseOutcome } = {};
    const result = await this.sender
      .forAgent({
        workspaceId: principal.workspaceId,
        userId: principal.userId,
        // The bot must not talk over the human: the takeover pause starts once every check has passed, before the message leaves.
        beforeDelivery: async () => {
          taken.pause = await this.pauses.pause({
            workspaceId: principal.workspaceId,
            scope: 'contact',
            contactId: id,
            until,
            reason: 'An agent took over the conversation',
            actor: { kind: 'agent_message', userId: principal.userId },
          });
        },
      })
      .send({
        contactId: id,
        category: 'service',
        idempotencyKey: `agent:${principal.userId}:${idempotencyKey?.trim().slice(0, 100) || randomUUID()}`,
        message: { type: 'text', text: { body: body.text } },
      });
    if (taken.pause === undefined) {
      if (result.status === 'blocked' || result.status === 'failed') {
        // Refused before anything was recorded or sent: nothing is stored, automation goes on.
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          code: result.status === 'blocked' ? `policy:${result.rule}` : result.errorCode,
          message: result.status === 'blocked' ? result.reason : result.errorMessage,
          result,
        });
      }
      // The same Idempotency-Key again: the earlier send's outcome, under the pause it started.
      const pause = await this.pauses.active(principal.workspaceId, id, null);
      return { result, automationPausedUntil: pause?.until?.toISOString() ?? null };
    }
    if (result.status === 'failed') {
      // WhatsApp refused it: the customer got nothing, so the bot carries on.
      const woken = await this.pauses.undo(principal.workspaceId, taken.pause, { kind: 'system', userId: principal.userId });
      await this.dispatcher.dispatch(woken.map((contactId) => ({ kind: 'contact' as const, id: contactId })));
      return { result, automationPausedUntil: null };
    }
    return { result, automationPausedUntil: taken.pause.until?.toISOString() ?? null };
  }
}
