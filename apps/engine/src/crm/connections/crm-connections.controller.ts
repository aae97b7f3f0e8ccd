import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { ErrorResponses, NoContentResponse, ZodBody, ZodParam, ZodResponse } from '../../common/api-contract';
import { idParam } from '../../common/route-params';
import { CrmHealthService } from '../sync/crm-health.service';
import { CrmOutboxService } from '../sync/crm-outbox.service';
import { CrmSyncService } from '../sync/crm-sync.service';
import { type ConnectionInput, connectionInputSchema } from './connection-input';
import { CrmConnectionsService } from './crm-connections.service';

const connectionView = z.object({
  id: z.uuid(),
  provider: z.enum(['hubspot', 'salesforce', 'zoho']),
  name: z.string(),
  settings: z.record(z.string(), z.unknown()),
  secretsHeld: z.array(z.string()).meta({ description: 'Names of the secrets held; their values are never returned' }),
  status: z.enum(['active', 'paused']),
  maxAttempts: z.number(),
  retryDelayMs: z.number(),
  batchAt: z.string().meta({ description: "The nightly batch's time of day (HH:MM) in the workspace's time zone" }),
  nextBatchAt: z.iso.datetime().nullable(),
  webhookPath: z
    .string()
    .nullable()
    .meta({ description: "HubSpot and Zoho: the path on Parley's public address the CRM delivers webhooks or notifications to" }),
  notifyUntil: z.iso.datetime().nullable().meta({ description: 'Zoho: until when its notification channel is subscribed' }),
  notifyError: z.string().nullable().meta({ description: 'Zoho: why subscribing the notification channel last failed' }),
  pollIntervalMs: z
    .number()
    .nullable()
    .meta({ description: "Salesforce: how often this connection reads the CRM's changes, in ms (null: the installation's interval)" }),
  defaultPollIntervalMs: z.number().meta({ description: "The installation's poll interval (CRM_POLL_INTERVAL_MS), in ms" }),
  createdAt: z.iso.datetime(),
});

const updateSchema = z
  .object({
    batchAt: z
      .string()
      .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a time of day as HH:MM, 00:00 to 23:59')
      .optional(),
    /** Salesforce only; null goes back to the installation's CRM_POLL_INTERVAL_MS. Each poll is a request of the daily allocation. */
    pollIntervalMs: z.number().int().min(500).max(86_400_000).nullable().optional(),
  })
  .strict()
  .refine((body) => body.batchAt !== undefined || body.pollIntervalMs !== undefined, 'send batchAt, pollIntervalMs or both');

const modeHealth = z.object({
  calls: z.number(),
  successRate: z.number().nullable(),
  goal: z.number(),
  belowGoal: z.boolean(),
  lagP50Ms: z.number().nullable(),
  lagP99Ms: z.number().nullable(),
});
const healthView = z.object({
  realtime: modeHealth,
  batch: modeHealth,
  outbox: z.object({ pending: z.number(), failed: z.number(), oldestPendingAgeMs: z.number().nullable() }),
  lastError: z.string().nullable(),
  lastErrorAt: z.iso.datetime().nullable(),
  lastSuccessAt: z.iso.datetime().nullable(),
  lastPollAt: z.iso.datetime().nullable(),
  cursorPhase: z.enum(['initial', 'incremental']),
  quota: z.record(z.string(), z.unknown()).meta({ description: "Calls left in the CRM's allowance, as its last answers said" }),
  failures: z.array(
    z.object({
      id: z.string(),
      contactId: z.uuid(),
      contactName: z.string().nullable(),
      attempts: z.number(),
      lastError: z.string().nullable(),
      changedAt: z.iso.datetime(),
      fields: z.array(z.string()),
    }),
  ),
});
const retrySchema = z.object({
  itemId: z
    .string()
    .regex(/^\d{1,18}$/, 'must be the id of a failed change')
    .optional(),
});

@ApiTags('crm')
@Controller('api/crm/connections')
@Roles('admin')
export class CrmConnectionsController {
  constructor(
    private readonly connections: CrmConnectionsService,
    private readonly health: CrmHealthService,
    private readonly outbox: CrmOutboxService,
    private readonly sync: CrmSyncService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The workspace's CRM connection (secrets are never returned)" })
  @ZodResponse(z.object({ data: z.array(connectionView) }))
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.connections.list(principal.workspaceId) };
  }

  @Post()
  @ApiOperation({ summary: 'Connect HubSpot, Salesforce or Zoho CRM (secrets stored encrypted); one connection per workspace' })
  @ZodResponse(connectionView, { status: 201, description: 'The new connection' })
  @ErrorResponses({ 409: 'The workspace is connected to a CRM already' })
  create(@CurrentPrincipal() principal: Principal, @ZodBody(connectionInputSchema) body: ConnectionInput) {
    return this.connections.create(principal, body);
  }

  @Patch(':id')
  @ApiOperation({
    summary:
      "Change the nightly batch's time of day (HH:MM, the workspace's time zone) and/or Salesforce's poll interval; only the fields sent change; audited",
  })
  @ZodResponse(connectionView)
  update(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(updateSchema) body: z.infer<typeof updateSchema>,
  ) {
    return this.connections.update(principal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disconnect: forgets the credentials, links, waiting changes and conflicts of this connection' })
  @NoContentResponse('Disconnected')
  async remove(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string): Promise<void> {
    await this.connections.remove(principal, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test the connection: one cheap call to the CRM with the stored credentials' })
  @ZodResponse(z.object({ ok: z.boolean(), account: z.string().nullable(), error: z.string().nullable() }))
  test(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.connections.test(principal.workspaceId, id);
  }

  @Get(':id/health')
  @ApiOperation({ summary: 'Sync health: success rates (real time, batch) against their goals, lag, last error, quota, failed changes' })
  @ZodResponse(healthView)
  async healthOf(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.health.health(await this.connections.row(principal.workspaceId, id));
  }

  @Post(':id/sync')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sync now: push waiting changes and read the CRM’s changes without waiting for the next round' })
  @ZodResponse(
    z.object({
      ran: z.boolean().meta({ description: 'False when another worker is syncing this connection right now' }),
      pushed: z.number(),
      failed: z.number(),
      pulled: z.number(),
      conflicts: z.number(),
    }),
  )
  async syncNow(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    const row = await this.connections.row(principal.workspaceId, id);
    const result = await this.sync.run(row.id, { forcePull: true });
    return result ? { ran: true, ...result } : { ran: false, pushed: 0, failed: 0, pulled: 0, conflicts: 0 };
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Try failed changes again (all, or the one given)' })
  @ZodResponse(z.object({ retried: z.number() }))
  async retry(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(retrySchema) body: z.infer<typeof retrySchema>,
  ) {
    const row = await this.connections.row(principal.workspaceId, id);
    return { retried: await this.outbox.retryFailed(row.id, body.itemId ?? null) };
  }
}
