import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
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

/** Test runs of a flow's draft with a customer of the WhatsApp simulator. */
@ApiTags('test runs')
@Controller('api')
export class TestRunsController {
  constructor(private readonly testRuns: TestRunsService) {}

  @Get('test-runs/customers')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Customers of the WhatsApp simulator a test run can use (available: false without a simulator)' })
  customers(@CurrentPrincipal() principal: Principal) {
    return this.testRuns.customers(principal.workspaceId);
  }

  @Get('flows/:id/test-runs/sample-event')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: "An event that starts the draft's trigger as configured (to prefill a test run)" })
  sample(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.testRuns.sample(principal.workspaceId, id);
  }

  @Post('flows/:id/test-runs')
  @Roles('admin', 'marketer')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Run the saved draft in test mode for a simulated customer: messages go to the simulator only; follow it with GET /api/executions/:id',
  })
  start(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodValidationPipe(testRunBody)) body: z.infer<typeof testRunBody>,
  ) {
    return this.testRuns.start(principal, id, body);
  }
}
