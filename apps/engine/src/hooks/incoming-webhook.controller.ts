import { BadRequestException, Controller, Headers, HttpCode, Inject, NotFoundException, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { incomingWebhookDefinition } from '@parley/nodes';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Public } from '../auth/public.decorator';
import { ZodBody, ZodParam, ZodResponse } from '../common/api-contract';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { ContactResolverService, UnidentifiedContactError } from '../contacts/contact-resolver.service';
import { sqlRow } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import { EventWriterService } from '../events/event-writer.service';
import { FlowVersion } from '../flows/flow-version.entity';
import { readPath } from '../logic/template-renderer';
import { flowOfHookToken } from './hook-token';

const flowRow = z.object({ workspace_id: z.string(), published_version_id: z.string() });
const hookBody = z.record(z.string(), z.unknown()).meta({ description: 'Any JSON object; the trigger reads the customer from it' });
const hookTokenParam = z.string().min(1).max(200);

/**
 * Incoming webhooks for Zapier, Make, Pabbly or a shop: the URL's secret
 * token names the flow, the JSON names the customer. A redelivery with the
 * same Idempotency-Key (or the same body) starts nothing new.
 */
@ApiTags('hooks')
@Controller('hooks')
@Public()
export class IncomingWebhookController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contacts: ContactResolverService,
    private readonly events: EventWriterService,
    private readonly dispatcher: Dispatcher,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  @Post(':token')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start the flow this secret URL belongs to, for the customer named in the JSON body' })
  @ZodResponse(z.object({ accepted: z.boolean(), duplicate: z.boolean() }), {
    status: 202,
    description: 'Accepted; the flow runs in the background',
  })
  async receive(
    @ZodParam('token', hookTokenParam) token: string,
    @ZodBody(hookBody) body: z.infer<typeof hookBody>,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    const flowId = flowOfHookToken(token, this.config.SECRETS_KEY);
    const flow = flowId
      ? await sqlRow(
          this.dataSource,
          flowRow,
          'SELECT workspace_id, published_version_id FROM flows WHERE id = $1 AND published_version_id IS NOT NULL',
          [flowId],
        )
      : undefined;
    if (!flowId || !flow) throw new NotFoundException('No published flow listens on this URL.');
    const version = await this.dataSource.getRepository(FlowVersion).findOneOrFail({ where: { id: flow.published_version_id } });
    const definition = z.object({ nodes: z.array(z.object({ type: z.string(), config: z.unknown() })) }).parse(version.definition);
    const trigger = definition.nodes.find((n) => n.type === 'trigger.incoming_webhook');
    if (!trigger) throw new NotFoundException('This flow is not started by an incoming webhook.');
    const config = incomingWebhookDefinition.configSchema.parse(trigger.config);

    const phone = readPath(body, config.phonePath);
    const name = config.namePath ? readPath(body, config.namePath) : undefined;
    const sourceId = idempotencyKey?.trim() || createHash('sha256').update(JSON.stringify(body)).digest('hex');
    // The contact and its event commit together: a refused request leaves no contact behind.
    const { contactId, eventId } = await this.dataSource.transaction(async (manager) => {
      let resolved: { contactId: string };
      try {
        resolved = await this.contacts.resolve(
          flow.workspace_id,
          {
            phone: typeof phone === 'string' || typeof phone === 'number' ? String(phone) : null,
            displayName: typeof name === 'string' ? name : null,
            defaultCountry: config.defaultCountry,
          },
          'webhook',
          manager,
        );
      } catch (error) {
        if (error instanceof UnidentifiedContactError) throw new BadRequestException(`${config.phonePath}: ${error.message}`);
        throw error;
      }
      const recorded = await this.events.record(
        {
          workspaceId: flow.workspace_id,
          contactId: resolved.contactId,
          type: 'webhook.received',
          source: `hook:${flowId}`,
          sourceId: sourceId.slice(0, 200),
          payload: { flowId, data: body },
        },
        manager,
      );
      return { contactId: resolved.contactId, eventId: recorded };
    });
    if (eventId) await this.dispatcher.dispatch([{ kind: 'contact', id: contactId }]);
    return { accepted: true, duplicate: eventId === null };
  }
}
