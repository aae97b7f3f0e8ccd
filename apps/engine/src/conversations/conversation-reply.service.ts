import { Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { OutboundWhatsAppMessage, SendWhatsAppResult } from '@parley/node-sdk';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { sqlRow } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import { type PauseOutcome, PauseService } from '../pauses/pause.service';
import { WhatsAppSenderService } from '../whatsapp/whatsapp-sender.service';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { ConversationReadsService } from './conversation-reads.service';

const mediaKind = z.enum(['image', 'document', 'video', 'audio']);

/** `POST /api/conversations/:id/messages`: free text (window open), a template (any time) or an attachment. */
export const replySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().trim().min(1).max(4096) }).strict(),
  z
    .object({
      type: z.literal('template'),
      template: z
        .object({
          name: z.string().trim().min(1).max(512),
          language: z.string().trim().min(2).max(15),
          /** Body parameters in order ({{1}}, {{2}}... or the named ones in the order they appear). */
          parameters: z.array(z.string().trim().min(1).max(1024)).max(60).default([]),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      type: mediaKind,
      /** A file uploaded through `POST /api/conversations/:id/media`. */
      mediaId: z.uuid().optional(),
      /** Or a public https link WhatsApp fetches itself. */
      link: z
        .url()
        .max(2000)
        .refine((v) => v.startsWith('https://'), 'must be an https:// link')
        .optional(),
      caption: z.string().trim().max(1024).optional(),
      filename: z.string().trim().min(1).max(240).optional(),
    })
    .strict()
    .refine((v) => (v.mediaId === undefined) !== (v.link === undefined), 'give either mediaId or link'),
]);
export type Reply = z.infer<typeof replySchema>;

const conversationRow = z.object({ id: z.string(), contact_id: z.string() });
const uploadRow = z.object({ meta_media_id: z.string().nullable(), kind: z.string(), status: z.string(), filename: z.string().nullable() });
const templateRow = z.object({ components: z.array(z.record(z.string(), z.unknown())), parameter_format: z.string() });

/** What the agent's send became, and the pause it started or extended. */
export interface ReplyOutcome {
  result: SendWhatsAppResult;
  automationPausedUntil: string | null;
}

/** Named placeholders of a template body ({{first_name}}), in order; empty for positional ones. */
export function namedPlaceholders(components: readonly Record<string, unknown>[]): string[] {
  const body = components.find((c) => String(c['type']).toUpperCase() === 'BODY');
  const text = typeof body?.['text'] === 'string' ? body['text'] : '';
  return [...text.matchAll(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g)].map((m) => m[1] ?? '');
}

/**
 * An agent's message from the console. It goes through the same sender and
 * policy gate as a flow's; the takeover pause starts (or extends) once every
 * check has passed, just before the message leaves, so the bot never talks
 * over the agent. A send refused before that stores nothing (422 naming the
 * rule); one WhatsApp rejects takes its pause back.
 */
@Injectable()
export class ConversationReplyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sender: WhatsAppSenderService,
    private readonly pauses: PauseService,
    private readonly settings: WorkspaceSettingsService,
    private readonly dispatcher: Dispatcher,
    private readonly reads: ConversationReadsService,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async reply(principal: Principal, conversationId: string, reply: Reply, idempotencyKey: string | undefined): Promise<ReplyOutcome> {
    const conversation = await sqlRow(
      this.dataSource,
      conversationRow,
      'SELECT id, contact_id FROM conversations WHERE id = $1 AND workspace_id = $2',
      [conversationId, principal.workspaceId],
    );
    if (!conversation) throw new NotFoundException('No such conversation in this workspace.');
    const message = await this.message(principal.workspaceId, reply);
    const { settings } = await this.settings.get(principal.workspaceId);
    const until = new Date(this.clock.now().getTime() + settings.takeoverHours * 3_600_000);
    const taken: { pause?: PauseOutcome } = {};
    const result = await this.sender
      .forAgent({
        workspaceId: principal.workspaceId,
        userId: principal.userId,
        beforeDelivery: async () => {
          taken.pause = await this.pauses.pause({
            workspaceId: principal.workspaceId,
            scope: 'contact',
            contactId: conversation.contact_id,
            until,
            reason: 'An agent took over the conversation',
            actor: { kind: 'agent_message', userId: principal.userId },
          });
          // Here, not after the send: this runs once per message that leaves (a retry with the same
          // Idempotency-Key finds the first send and never gets here), and before it leaves, so a crash
          // after the Cloud API call cannot lose the entry. The words stay in the message, not the trail.
          await this.audit.record({
            workspaceId: principal.workspaceId,
            actorUserId: principal.userId,
            action: 'conversation.agent_message',
            subjectType: 'contact',
            subjectId: conversation.contact_id,
            details: {
              conversationId,
              type: reply.type,
              ...(reply.type === 'template' ? { template: reply.template.name, language: reply.template.language } : {}),
            },
          });
        },
      })
      .send({
        contactId: conversation.contact_id,
        category: 'service',
        idempotencyKey: `agent:${principal.userId}:${idempotencyKey?.trim().slice(0, 100) || randomUUID()}`,
        message,
      });
    if (taken.pause === undefined) {
      if (result.status === 'blocked' || result.status === 'failed') {
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          code: result.status === 'blocked' ? `policy:${result.rule}` : result.errorCode,
          message: result.status === 'blocked' ? result.reason : result.errorMessage,
          result,
        });
      }
      const pause = await this.pauses.active(principal.workspaceId, conversation.contact_id, null);
      return { result, automationPausedUntil: pause?.until?.toISOString() ?? null };
    }
    if (result.status === 'failed') {
      const woken = await this.pauses.undo(principal.workspaceId, taken.pause, { kind: 'system', userId: principal.userId });
      await this.dispatcher.dispatch(woken.map((id) => ({ kind: 'contact' as const, id })));
      return { result, automationPausedUntil: null };
    }
    // Whoever answers has read what they answered.
    await this.reads.markRead(principal, conversationId);
    return { result, automationPausedUntil: taken.pause.until?.toISOString() ?? null };
  }

  /** The Cloud API message for a reply; every check on the input happens here, before anything is written. */
  private async message(workspaceId: string, reply: Reply): Promise<OutboundWhatsAppMessage> {
    switch (reply.type) {
      case 'text':
        return { type: 'text', text: { body: reply.text } };
      case 'template': {
        const template = await sqlRow(
          this.dataSource,
          templateRow,
          `SELECT components, parameter_format FROM whatsapp_templates WHERE workspace_id = $1 AND name = $2 AND language = $3 LIMIT 1`,
          [workspaceId, reply.template.name, reply.template.language],
        );
        const names = template?.parameter_format.toLowerCase() === 'named' ? namedPlaceholders(template.components) : [];
        const parameters = reply.template.parameters.map((text, index) => ({
          type: 'text',
          text,
          ...(names[index] ? { parameter_name: names[index] } : {}),
        }));
        return {
          type: 'template',
          template: {
            name: reply.template.name,
            language: { code: reply.template.language },
            ...(parameters.length > 0 ? { components: [{ type: 'body', parameters }] } : {}),
          },
        };
      }
      default: {
        const media: { id?: string; link?: string; caption?: string; filename?: string } = {};
        if (reply.mediaId !== undefined) {
          const upload = await sqlRow(
            this.dataSource,
            uploadRow,
            `SELECT meta_media_id, kind, status, filename FROM media_files WHERE id = $1 AND workspace_id = $2 AND direction = 'outbound'`,
            [reply.mediaId, workspaceId],
          );
          if (!upload) throw new NotFoundException('No such uploaded file in this workspace (mediaId).');
          if (upload.kind !== reply.type || upload.meta_media_id === null || upload.status !== 'stored') {
            throw new UnprocessableEntityException({
              message: `The uploaded file is a ${upload.kind}${upload.meta_media_id === null ? ' that WhatsApp has not accepted' : ''}, not a ${reply.type} ready to send.`,
              code: 'media_unusable',
              issues: [{ in: 'body', path: 'mediaId', message: 'not a file ready to send as this type' }],
            });
          }
          media.id = upload.meta_media_id;
          if (reply.type === 'document' && upload.filename) media.filename = upload.filename;
        } else if (reply.link !== undefined) {
          media.link = reply.link;
        }
        if (reply.caption && reply.type !== 'audio') media.caption = reply.caption;
        if (reply.filename && reply.type === 'document') media.filename = reply.filename;
        switch (reply.type) {
          case 'image':
            return { type: 'image', image: media };
          case 'video':
            return { type: 'video', video: media };
          case 'audio':
            return { type: 'audio', audio: media };
          case 'document':
            return { type: 'document', document: media };
        }
      }
    }
  }
}
