import { BadRequestException, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { ErrorResponses, ZodBody, ZodParam, ZodResponse } from '../../common/api-contract';
import { idParam } from '../../common/route-params';
import { executionMatchSchema } from '../execution-match.schema';
import { BULK_ACTIONS, bulkJobView, viewBulkJob } from './bulk-execution-job';
import { BulkExecutionsService } from './bulk-executions.service';

const filterSchema = executionMatchSchema.refine((f) => !(f.from && f.to && f.from >= f.to), {
  message: 'from must be before to',
  path: ['from'],
});

const previewBody = z.object({
  action: z.enum(BULK_ACTIONS),
  filter: filterSchema,
  excluded: z.array(z.uuid()).max(1000).default([]).meta({ description: 'Executions to leave out although they match' }),
  onVersion: z.enum(['same', 'latest']).default('same').meta({
    description: 'Retry only: latest moves each run to its flow’s published version now (a run whose failed step is gone there is skipped)',
  }),
});

const startBody = previewBody.extend({
  expectedCount: z.number().int().min(1).meta({ description: 'The count the admin confirmed (from the preview, after exclusions)' }),
  requestKey: z
    .string()
    .min(8)
    .max(100)
    .regex(/^[\w-]+$/)
    .meta({ description: 'Chosen by the caller: sending the same start twice answers the same job' }),
});

function onlyRetryMoves(body: { action: string; onVersion: string }): void {
  if (body.action !== 'retry' && body.onVersion !== 'same')
    throw new BadRequestException('onVersion: only a retry can move runs to another version.');
}

@ApiTags('executions')
@Controller('api/executions/bulk')
@Roles('admin')
export class BulkExecutionsController {
  constructor(private readonly bulk: BulkExecutionsService) {}

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Count the executions a bulk retry (failed ones) or cancel (active ones) would act on' })
  @ZodResponse(z.object({ action: z.enum(BULK_ACTIONS), count: z.number().int(), excludedMatching: z.number().int() }))
  preview(@CurrentPrincipal() principal: Principal, @ZodBody(previewBody) body: z.infer<typeof previewBody>) {
    onlyRetryMoves(body);
    return this.bulk.preview(principal.workspaceId, body);
  }

  @Post('jobs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a confirmed bulk retry or cancel in the background (idempotent by requestKey)' })
  @ZodResponse(bulkJobView, { status: 202, description: 'The job (the same one when the request key was used before)' })
  @ErrorResponses({ 409: 'The count changed since the preview (the answer has the new count), or the key was used for another action' })
  async start(
    @CurrentPrincipal() principal: Principal,
    @ZodBody(startBody) body: z.infer<typeof startBody>,
    @Res({ passthrough: true }) response: Response,
  ) {
    onlyRetryMoves(body);
    const { job, created } = await this.bulk.start(principal, body);
    if (!created) response.setHeader('x-parley-replayed', 'true');
    return viewBulkJob(job);
  }

  @Get('jobs')
  @ApiOperation({ summary: 'The latest bulk jobs with their progress' })
  @ZodResponse(z.object({ data: z.array(bulkJobView) }))
  async recent(@CurrentPrincipal() principal: Principal) {
    return { data: (await this.bulk.recent(principal.workspaceId)).map(viewBulkJob) };
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'One bulk job’s progress' })
  @ZodResponse(bulkJobView)
  async get(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return viewBulkJob(await this.bulk.get(principal.workspaceId, id));
  }
}
