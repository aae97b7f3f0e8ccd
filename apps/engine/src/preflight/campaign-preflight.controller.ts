import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ErrorResponses, ZodParam, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { CampaignPreflightService } from './campaign-preflight.service';

const estimateSchema = z.object({
  verdict: z.enum(['at_once', 'batched', 'over_limit']),
  atOnce: z.number(),
  spreadOverDay: z.number(),
  beyondLimit: z.number(),
  limitUsePercent: z.number().nullable(),
  atOnceSeconds: z.number(),
});
const preflightSchema = z.union([
  z.object({ scheduled: z.literal(false) }),
  z.object({
    scheduled: z.literal(true),
    nextRunAt: z.string().nullable(),
    timeZone: z.string(),
    sendsMessages: z.boolean(),
    recipients: z.number(),
    newBusinessInitiated: z.number(),
    usedLast24h: z.number(),
    dailyLimit: z.number().nullable(),
    batchAbovePercent: z.number(),
    messagesPerSecond: z.number(),
    number: z.string().nullable(),
    estimate: estimateSchema,
  }),
]);

/** The campaign pre-flight of a scheduled flow, shown before publishing. */
@ApiTags('flows')
@Controller('api/flows')
export class CampaignPreflightController {
  constructor(private readonly preflight: CampaignPreflightService) {}

  @Get(':id/preflight')
  @Roles('admin', 'marketer')
  @ApiOperation({
    summary: "Estimate the draft's next scheduled run: recipients, and how the daily limit and the number's throughput will pace it",
  })
  @ZodResponse(preflightSchema)
  @ErrorResponses({ 404: 'No such flow in this workspace' })
  forFlow(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.preflight.forFlow(principal.workspaceId, id);
  }
}
