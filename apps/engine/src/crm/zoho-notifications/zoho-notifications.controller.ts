import { Controller, HttpCode, Inject, Post, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Public } from '../../auth/public.decorator';
import { ErrorResponses, ZodBody, ZodParam, ZodResponse } from '../../common/api-contract';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { CrmError } from '../connectors/crm-error';
import { CrmConnectionsService } from '../connections/crm-connections.service';
import { CrmSyncService } from '../sync/crm-sync.service';
import { zohoChannelIdentity, zohoNotificationGenuine } from './zoho-channel-identity';

const zohoNotification = z
  .object({
    module: z.string().max(100),
    ids: z.array(z.string().regex(/^\d{1,19}$/, 'must be Zoho record ids')).max(1000),
    operation: z.enum(['insert', 'update', 'delete']),
    channel_id: z.union([z.string().max(19), z.number().int()]),
    token: z.string().max(50).nullable(),
  })
  .loose()
  .meta({ description: "Zoho CRM's notification: the changed records' ids, the channel and the token it was subscribed with" });

/**
 * Zoho CRM's notifications (`/actions/watch`) for a connection: Zoho posts
 * the ids of changed contacts with the channel's token, and they are read
 * again and applied like a polled change (polling by Modified_Time stays as
 * the fallback). A wrong token or channel, or an unknown connection, is
 * refused with 401 and nothing is read or stored. A Zoho that cannot be
 * read answers 503, so Zoho retries.
 */
@ApiTags('crm')
@Controller('webhooks/zoho')
@Public()
export class ZohoNotificationsController {
  constructor(
    private readonly connections: CrmConnectionsService,
    private readonly sync: CrmSyncService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  @Post(':connectionId')
  @HttpCode(200)
  @ApiOperation({ summary: "Zoho CRM's notifications for a CRM connection (checked by the channel's token)" })
  @ZodResponse(z.object({ applied: z.number(), conflicts: z.number() }), { description: 'The changed contacts were read and applied' })
  @ErrorResponses({ 401: 'Wrong token or channel, or no such Zoho connection', 503: 'Zoho could not be read; it retries' })
  async receive(
    @ZodParam('connectionId', z.uuid()) connectionId: string,
    @ZodBody(zohoNotification) body: z.infer<typeof zohoNotification>,
  ) {
    const connection = await this.connections.rowById(connectionId);
    // An unknown connection is refused like a bad token, so the answer does not tell which ids exist.
    if (
      !connection ||
      connection.provider !== 'zoho' ||
      !zohoNotificationGenuine(zohoChannelIdentity(connection.id, this.config.SECRETS_KEY), body.channel_id, body.token)
    ) {
      throw new UnauthorizedException('token: not the token of this connection’s Zoho notification channel.');
    }
    // A deleted record is not deleted here (Parley keeps its customers); Deals, Tasks and the rest are not synced.
    if (body.operation === 'delete' || !['Contacts', 'Leads'].includes(body.module)) return { applied: 0, conflicts: 0 };
    try {
      return await this.sync.applyChanged(connection, body.module, [...new Set(body.ids)]);
    } catch (error) {
      if (error instanceof CrmError) throw new ServiceUnavailableException(`Zoho could not be read: ${error.kind}`);
      throw error;
    }
  }
}
