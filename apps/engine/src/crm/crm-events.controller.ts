import { Controller, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AllowApiKey, Roles } from '../auth/roles.decorator';
import { ZodBody, ZodResponse } from '../common/api-contract';
import { Dispatcher } from '../dispatch/dispatcher';
import { type CrmEventInput, crmEventInputSchema } from './crm-event-input';
import { CrmEventsService } from './crm-events.service';

const ingestedView = z.object({
  eventId: z.string().nullable().meta({ description: 'The stored event (null when this id was posted before)' }),
  contactId: z.uuid(),
  duplicate: z.boolean(),
});

@ApiTags('crm')
@Controller('api/crm/events')
export class CrmEventsController {
  constructor(
    private readonly crmEvents: CrmEventsService,
    private readonly dispatcher: Dispatcher,
  ) {}

  @Post()
  @Roles('admin')
  @AllowApiKey()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Report a CRM or shop event (order created/paid/shipped, deal stage changed, store visit, link click); idempotent by id',
  })
  @ZodResponse(ingestedView, { status: 202, description: 'Stored (or already known); flows run in the background' })
  async ingest(@CurrentPrincipal() principal: Principal, @ZodBody(crmEventInputSchema) body: CrmEventInput) {
    const result = await this.crmEvents.ingest(principal.workspaceId, body);
    if (result.eventId) await this.dispatcher.dispatch([{ kind: 'contact', id: result.contactId }]);
    return result;
  }
}
