import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AllowApiKey, Roles } from '../auth/roles.decorator';
import { ErrorResponses, ZodParam, ZodResponse } from '../common/api-contract';
import { ParkedWebhooksService } from './parked-webhooks.service';

const parkedView = z.object({
  id: z.string().meta({ description: 'Delivery id (a 64-bit integer as text)' }),
  receivedAt: z.iso.datetime(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});
const deliveryId = z
  .string()
  .regex(/^\d{1,18}$/)
  .meta({ description: 'Delivery id' });

@ApiTags('webhooks')
@Controller('api/webhooks/parked')
export class ParkedWebhooksController {
  constructor(private readonly parked: ParkedWebhooksService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'WhatsApp webhook deliveries of this workspace given up after their retries, newest first' })
  @ZodResponse(z.object({ data: z.array(parkedView) }))
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.parked.list(principal.workspaceId) };
  }

  @Post(':id/replay')
  @Roles('admin')
  @AllowApiKey()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replay a parked delivery through the normal ingest path (audited; a delivery already replayed is left alone)',
  })
  @ZodResponse(z.object({ id: z.string(), replayed: z.boolean(), status: z.string() }))
  @ErrorResponses({ 404: 'No such delivery in this workspace' })
  replay(@CurrentPrincipal() principal: Principal, @ZodParam('id', deliveryId) id: string) {
    return this.parked.replay(principal, id);
  }
}
