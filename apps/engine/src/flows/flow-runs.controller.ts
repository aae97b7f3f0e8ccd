import { ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ErrorResponses, ZodBody, ZodParam, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRow } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import { EventWriterService } from '../events/event-writer.service';
import { hookToken } from '../hooks/hook-token';

const runSchema = z.object({ contactId: z.uuid(), data: z.record(z.string(), z.unknown()).default({}) });
const triggerRow = z.object({ trigger_type: z.string() });

/** Starting a published flow by hand, and the secret URL of webhook-started flows. */
@ApiTags('flows')
@Controller('api/flows')
export class FlowRunsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventWriterService,
    private readonly dispatcher: Dispatcher,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  private async publishedTrigger(principal: Principal, flowId: string): Promise<string> {
    const row = await sqlRow(
      this.dataSource,
      triggerRow,
      `SELECT v.trigger_type FROM flows f JOIN flow_versions v ON v.id = f.published_version_id WHERE f.id = $1 AND f.workspace_id = $2`,
      [flowId, principal.workspaceId],
    );
    if (!row) throw new NotFoundException('No published flow with this id in this workspace.');
    return row.trigger_type;
  }

  @Post(':id/run')
  @Roles('admin', 'marketer')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a published flow with a "Run by hand" trigger for one contact' })
  @ZodResponse(z.object({ eventId: z.string().nullable() }), { status: 202, description: 'Started in the background' })
  @ErrorResponses({ 409: 'The flow does not start by hand' })
  async run(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(runSchema) body: z.infer<typeof runSchema>,
  ) {
    const trigger = await this.publishedTrigger(principal, id);
    if (trigger !== 'trigger.manual') throw new ConflictException(`This flow starts on ${trigger}, not by hand.`);
    const contact = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      'SELECT id FROM contacts WHERE id = $1 AND workspace_id = $2',
      [body.contactId, principal.workspaceId],
    );
    if (!contact) throw new NotFoundException('No such contact in this workspace.');
    const eventId = await this.events.record({
      workspaceId: principal.workspaceId,
      contactId: contact.id,
      type: 'manual.run',
      source: 'manual',
      payload: { flowId: id, data: body.data, by: principal.userId },
    });
    await this.dispatcher.dispatch([{ kind: 'contact', id: contact.id }]);
    return { eventId };
  }

  @Get(':id/webhook')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'The secret URL that starts this flow (for flows with an "Incoming webhook" trigger)' })
  @ZodResponse(z.object({ url: z.url().meta({ description: 'POST JSON here to start the flow (keep it secret)' }) }))
  @ErrorResponses({ 409: 'The flow does not start on an incoming webhook' })
  async webhook(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string, @Req() request: Request) {
    const trigger = await this.publishedTrigger(principal, id);
    if (trigger !== 'trigger.incoming_webhook') throw new ConflictException(`This flow starts on ${trigger}, not on an incoming webhook.`);
    const base = this.config.PUBLIC_URL ?? `${request.protocol}://${request.get('host') ?? 'localhost'}`;
    return { url: `${base.replace(/\/+$/, '')}/hooks/${hookToken(id, this.config.SECRETS_KEY)}` };
  }
}
