import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ErrorResponses, ZodBody, ZodParam, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { TestRunsService } from './test-runs.service';

const testRunBody = z
  .object({
    customer: z
      .object({
        waId: z.string().regex(/^\d{6,15}$/, 'the customer number: 6 to 15 digits, country code first, no "+"'),
        name: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
    event: z
      .object({
        type: z.string().min(1).max(100),
        payload: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .optional(),
    skipWaits: z.boolean().default(true),
  })
  .strict();

const customersView = z.object({
  available: z.boolean().meta({ description: 'false when this installation has no WhatsApp simulator' }),
  reason: z.string().nullable(),
  customers: z.array(
    z.object({
      waId: z.string(),
      name: z.string(),
      contactId: z.uuid().nullable(),
      lastMessage: z.string().nullable(),
      lastInboundAt: z.string().nullable(),
    }),
  ),
});
const sampleView = z.object({
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  eventTypes: z.array(z.string()).readonly().meta({ description: 'Every event type the trigger listens to' }),
});
const startedView = z.object({ executionId: z.uuid(), contactId: z.uuid(), eventId: z.string(), flowVersionId: z.uuid() });

/** Test runs of a flow's draft with a customer of the WhatsApp simulator. */
@ApiTags('test runs')
@Controller('api')
export class TestRunsController {
  constructor(private readonly testRuns: TestRunsService) {}

  @Get('test-runs/customers')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Customers of the WhatsApp simulator a test run can use (available: false without a simulator)' })
  @ZodResponse(customersView)
  customers(@CurrentPrincipal() principal: Principal) {
    return this.testRuns.customers(principal.workspaceId);
  }

  @Get('flows/:id/test-runs/sample-event')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: "An event that starts the draft's trigger as configured (to prefill a test run)" })
  @ZodResponse(sampleView)
  @ErrorResponses({ 409: 'The draft has no trigger yet' })
  sample(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.testRuns.sample(principal.workspaceId, id);
  }

  @Post('flows/:id/test-runs')
  @Roles('admin', 'marketer')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Run the saved draft in test mode for a simulated customer: messages go to the simulator only; follow it with GET /api/executions/:id',
  })
  @ZodResponse(startedView, { status: 201, description: 'Started; follow it with GET /api/executions/{id}' })
  @ErrorResponses({
    409: 'No simulator (simulator_unavailable), or the number belongs to a real customer (real_contact)',
    422: 'The draft has problems (invalid_flow) or the trigger would not start on the event (trigger_not_matched)',
  })
  start(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(testRunBody) body: z.infer<typeof testRunBody>,
  ) {
    return this.testRuns.start(principal, id, body);
  }
}
