import { Controller, Get, NotFoundException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole } from '../auth/roles.decorator';
import { ErrorResponses, ZodParam, ZodQuery, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { conversationMessageRow, conversationMessageView, viewConversationMessage } from './conversation-message-view';

const conversationQuery = z.object({
  /** Only messages older than this (the `occurredAt` of the last one of the previous page). */
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A contact's WhatsApp conversation: both directions, newest first, edits and deletions applied. */
@ApiTags('contacts')
@Controller('api/contacts')
export class ConversationController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(':id/messages')
  @AnyRole()
  @ApiOperation({
    summary: "A contact's messages, newest first (page with ?before=<occurredAt>); a message the customer deleted shows no text",
  })
  @ZodResponse(z.object({ data: z.array(conversationMessageView) }))
  @ErrorResponses({ 404: 'No such contact in this workspace' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodQuery(conversationQuery) query: z.infer<typeof conversationQuery>,
  ) {
    const contact = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      'SELECT id FROM contacts WHERE id = $1 AND workspace_id = $2',
      [id, principal.workspaceId],
    );
    if (!contact) throw new NotFoundException('No such contact in this workspace.');
    const rows = await sqlRows(
      this.dataSource,
      conversationMessageRow,
      `SELECT m.id, m.wamid, m.direction, m.type, m.text, m.occurred_at, m.status, m.reply_to_wamid, m.reacts_to_wamid,
              nullif(m.payload #>> '{reaction,emoji}', '') AS reaction_emoji, m.edited_at, m.revoked_at,
              coalesce((SELECT json_agg(json_build_object('text', c.text, 'at', c.occurred_at) ORDER BY c.occurred_at, c.id)
                          FROM message_changes c WHERE c.message_id = m.id AND c.kind = 'edit'), '[]') AS edits
         FROM messages m
        WHERE m.workspace_id = $1 AND m.contact_id = $2 AND ($3::timestamptz IS NULL OR m.occurred_at < $3)
        ORDER BY m.occurred_at DESC, m.created_at DESC, m.id
        LIMIT $4`,
      [principal.workspaceId, id, query.before ?? null, query.limit],
    );
    return { data: rows.map(viewConversationMessage) };
  }
}
