import { BadRequestException, Controller, HttpCode, Post, Req, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { Public } from '../../auth/public.decorator';
import { Clock } from '../../common/clock';
import { ErrorResponses, RawJsonBody, ZodParam, ZodResponse } from '../../common/api-contract';
import { CrmError } from '../connectors/crm-error';
import { CrmConnectionsService } from '../connections/crm-connections.service';
import { CrmSyncService } from '../sync/crm-sync.service';
import { hubspotSignatureValid } from './hubspot-signature';

const hubspotEvent = z
  .object({
    objectId: z.number().int(),
    subscriptionType: z.string().max(200),
    occurredAt: z.number().optional(),
    changeFlag: z.string().max(50).optional(),
  })
  .loose();
const hubspotEvents = z.array(hubspotEvent).max(1000).meta({ description: 'HubSpot webhook events (a JSON array, up to 100 per request)' });

/**
 * HubSpot's webhook subscription for a connection: contact creations and
 * property changes reach Parley as they happen (polling by last-modified
 * stays as the fallback). Deliveries are signed (v3) with the app's client
 * secret; a bad or missing signature is refused with 401 and nothing is
 * read or stored. A CRM that cannot be read answers 503, so HubSpot retries.
 */
@ApiTags('crm')
@Controller('webhooks/hubspot')
@Public()
export class HubSpotWebhookController {
  constructor(
    private readonly connections: CrmConnectionsService,
    private readonly sync: CrmSyncService,
    private readonly clock: Clock,
  ) {}

  @Post(':connectionId')
  @HttpCode(200)
  @ApiOperation({ summary: "HubSpot's webhook deliveries for a CRM connection (X-HubSpot-Signature-v3 with the app's client secret)" })
  @RawJsonBody(hubspotEvents, 'HubSpot webhook events, checked on their exact bytes')
  @ZodResponse(z.object({ applied: z.number(), conflicts: z.number() }), { description: 'The changed contacts were read and applied' })
  @ErrorResponses({ 401: 'Missing, stale or wrong X-HubSpot-Signature-v3', 503: 'HubSpot could not be read; it retries' })
  async receive(@ZodParam('connectionId', z.uuid()) connectionId: string, @Req() request: Request) {
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    const connection = await this.connections.rowById(connectionId);
    const secret = connection && connection.provider === 'hubspot' ? this.connections.hubspotWebhookSecret(connection) : null;
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const forwarded = header('x-forwarded-proto')?.split(',')[0]?.trim();
    const uri = `${forwarded ?? request.protocol}://${header('host') ?? ''}${request.originalUrl}`;
    // An unknown connection is refused like a bad signature, so the answer does not tell which ids exist.
    if (
      !connection ||
      !secret ||
      !hubspotSignatureValid({
        secret,
        method: request.method,
        uri,
        body: raw,
        timestamp: header('x-hubspot-request-timestamp'),
        signature: header('x-hubspot-signature-v3'),
        now: this.clock.now().getTime(),
      })
    ) {
      throw new UnauthorizedException('Missing, stale or invalid X-HubSpot-Signature-v3.');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new BadRequestException('body: not valid JSON');
    }
    const events = hubspotEvents.safeParse(json);
    if (!events.success) throw new BadRequestException(`body: ${events.error.issues[0]?.message ?? 'not HubSpot webhook events'}`);
    const changed = [
      ...new Set(
        events.data
          .filter((event) => event.subscriptionType.startsWith('contact.') && event.changeFlag !== 'DELETED')
          .map((event) => String(event.objectId)),
      ),
    ];
    try {
      return await this.sync.applyChanged(connection, 'contacts', changed);
    } catch (error) {
      if (error instanceof CrmError) throw new ServiceUnavailableException(`HubSpot could not be read: ${error.kind}`);
      throw error;
    }
  }
}
