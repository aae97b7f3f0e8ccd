import { BadRequestException, Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { Dispatcher } from '../dispatch/dispatcher';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { EXECUTION_STATUSES } from './execution-status';
import { ExecutionsService } from './executions.service';

const listQuery = z.object({
  flowId: z.uuid().optional(),
  flowVersionId: z.uuid().optional(),
  contactId: z.uuid().optional(),
  status: z.enum(EXECUTION_STATUSES).optional(),
  errorCode: z.string().max(100).optional(),
  from: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional(),
  to: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

const retryBody = z
  .object({
    /** Send again a message whose outcome stayed unknown (it may have reached the customer): a person's explicit choice. */
    resendUnknown: z.boolean().default(false),
  })
  .default({ resendUnknown: false });

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
    summary: 'Run a failed execution again from its failed step (resendUnknown: also resend a message whose outcome is unknown)',
  })
  async retry(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodValidationPipe(retryBody)) body: z.infer<typeof retryBody>,
  ) {
    const { contactId } = await this.executions.retry(principal, id, body);
    await this.dispatcher.dispatch([{ kind: 'contact', id: contactId }]);
    return { retrying: true };
  }

  @Post(':id/cancel')
  @Roles('admin', 'marketer', 'support')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a running, waiting or held execution' })
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    await this.executions.cancel(principal, id);
    return { cancelled: true };
  }

  @Post(':id/skip-wait')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test runs only: end the current wait now (a delay passes, a wait for a reply times out)' })
  async skipWait(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    const { contactId } = await this.executions.skipWait(principal, id);
    await this.dispatcher.dispatch([{ kind: 'contact', id: contactId }]);
    return { skipped: true };
  }

  @Get()
  @AnyRole()
  @ApiOperation({ summary: 'Executions, newest first; filter by flow, version, contact, status, error code, time range' })
  list(@CurrentPrincipal() principal: Principal, @Query(new ZodValidationPipe(listQuery)) query: z.infer<typeof listQuery>) {
    if (query.from && query.to && query.from >= query.to) throw new BadRequestException('from must be before to.');
    return this.executions.list(principal.workspaceId, query);
  }

  @Get(':id/flow-version')
  @AnyRole()
  @ApiOperation({ summary: 'The flow version the execution ran, with its definition (a test run: the draft as it was frozen)' })
  flowVersion(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.executions.flowVersion(principal.workspaceId, id);
  }

  @Get(':id')
  @AnyRole()
  @ApiOperation({ summary: 'One execution with every step: input, output, branch, status, timing, error' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.executions.get(principal.workspaceId, id);
  }
}
