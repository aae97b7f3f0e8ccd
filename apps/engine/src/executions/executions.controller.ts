import { BadRequestException, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { Dispatcher } from '../dispatch/dispatcher';
import { ErrorResponses, ZodBody, ZodParam, ZodQuery, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { flowVersionViewSchema } from '../flows/flow-view';
import { EXECUTION_STATUSES, STEP_STATUSES } from './execution-status';
import { executionMatchSchema } from './execution-match.schema';
import { ExecutionsService } from './executions.service';

const listQuery = executionMatchSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

const retryBody = z
  .object({
    /** Send again a message whose outcome stayed unknown (it may have reached the customer): a person's explicit choice. */
    resendUnknown: z.boolean().default(false),
    onVersion: z
      .enum(['same', 'latest'])
      .default('same')
      .meta({ description: 'same: continue on the version it ran; latest: on the flow’s published version now, at the same step' }),
  })
  .default({ resendUnknown: false, onVersion: 'same' });

const executionView = z.object({
  id: z.uuid(),
  flowId: z.uuid(),
  flowVersionId: z.uuid(),
  contactId: z.uuid().nullable(),
  triggerEventId: z.string().nullable(),
  status: z.enum(EXECUTION_STATUSES),
  endedReason: z.string().nullable(),
  holdReason: z.string().nullable(),
  testMode: z.boolean(),
  skipWaits: z.boolean(),
  currentNodeId: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  contact: z
    .object({ id: z.uuid(), name: z.string().nullable(), phone: z.string().nullable() })
    .nullable()
    .meta({ description: 'Who it ran for: the contact’s name and number' }),
  version: z
    .object({ number: z.number().int(), kind: z.enum(['published', 'test']) })
    .nullable()
    .meta({ description: 'The version it ran: a published number, or the draft revision a test run froze' }),
  stuck: z.boolean().meta({
    description: 'Active, and nothing happened for 15 minutes past when it should have (running with no step done, or a wait overdue)',
  }),
});
const stepView = z.object({
  sequence: z.number().int(),
  nodeId: z.string(),
  nodeType: z.string(),
  nodeTypeVersion: z.number().int(),
  status: z.enum(STEP_STATUSES),
  visit: z.number().int(),
  attempt: z.number().int(),
  decision: z.record(z.string(), z.unknown()).nullable().meta({ description: 'What a condition saw and chose, or why a send was blocked' }),
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()).nullable(),
  outputName: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().nullable(),
});
const executionDetailView = executionView.extend({
  pendingWait: z
    .object({
      nodeId: z.string().nullable(),
      kind: z.enum(['delay', 'until', 'event', 'retry', 'hold', 'debounce']),
      dueAt: z.iso.datetime().nullable(),
      eventType: z.string().nullable(),
    })
    .nullable(),
  steps: z.array(stepView),
  sideEffects: z
    .array(
      z.object({
        idempotencyKey: z.string(),
        nodeId: z.string().nullable(),
        kind: z.string(),
        status: z.enum(['pending', 'succeeded', 'failed', 'unknown']),
        code: z.string().nullable(),
        message: z.string().nullable(),
        wamid: z.string().nullable(),
        createdAt: z.iso.datetime(),
        updatedAt: z.iso.datetime(),
      }),
    )
    .meta({ description: 'Its outbound calls (sends, CRM writes) under their idempotency keys, with their outcome; never the request' }),
});
const executionPage = z.object({
  data: z.array(executionView),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last one' }),
});

@ApiTags('executions')
@Controller('api/executions')
export class ExecutionsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly dispatcher: Dispatcher,
  ) {}

  @Post(':id/retry')
  @Roles('admin', 'marketer')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Run a failed execution again from its failed step (resendUnknown: also resend a message whose outcome is unknown; onVersion latest: on the published version now)',
  })
  @ZodResponse(z.object({ retrying: z.boolean() }), { status: 202, description: 'Retrying in the background' })
  @ErrorResponses({
    409: 'Not a failed execution, its send has an unknown outcome (pass resendUnknown), or (onVersion latest) the failed step was removed in the latest version',
  })
  async retry(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(retryBody) body: z.infer<typeof retryBody>,
  ) {
    const { contactId } = await this.executions.retry(principal, id, body);
    await this.dispatcher.dispatch([{ kind: 'contact', id: contactId }]);
    return { retrying: true };
  }

  @Post(':id/cancel')
  @Roles('admin', 'marketer', 'support')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a running, waiting or held execution' })
  @ZodResponse(z.object({ cancelled: z.boolean() }))
  @ErrorResponses({ 409: 'The execution is not active' })
  async cancel(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    await this.executions.cancel(principal, id);
    return { cancelled: true };
  }

  @Post(':id/skip-wait')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test runs only: end the current wait now (a delay passes, a wait for a reply times out)' })
  @ZodResponse(z.object({ skipped: z.boolean() }))
  @ErrorResponses({ 409: 'Not a test run, or not waiting' })
  async skipWait(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    const { contactId } = await this.executions.skipWait(principal, id);
    await this.dispatcher.dispatch([{ kind: 'contact', id: contactId }]);
    return { skipped: true };
  }

  @Get()
  @AnyRole()
  @ApiOperation({
    summary:
      'Executions across flows, newest first; filter by flow, version, contact, status, error code, failed step, stuck, test runs, time',
  })
  @ZodResponse(executionPage)
  list(@CurrentPrincipal() principal: Principal, @ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    if (query.from && query.to && query.from >= query.to) throw new BadRequestException('from must be before to.');
    return this.executions.list(principal.workspaceId, query);
  }

  @Get(':id/flow-version')
  @AnyRole()
  @ApiOperation({ summary: 'The flow version the execution ran, with its definition (a test run: the draft as it was frozen)' })
  @ZodResponse(flowVersionViewSchema.extend({ kind: z.enum(['published', 'test']) }))
  flowVersion(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.executions.flowVersion(principal.workspaceId, id);
  }

  @Get(':id')
  @AnyRole()
  @ApiOperation({ summary: 'One execution with every step: input, output, branch, status, timing, error' })
  @ZodResponse(executionDetailView)
  get(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.executions.get(principal.workspaceId, id);
  }
}
