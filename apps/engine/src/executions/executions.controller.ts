import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole } from '../auth/roles.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { EXECUTION_STATUSES } from './execution-status';
import { ExecutionsService } from './executions.service';

const listQuery = z.object({
  flowId: z.uuid().optional(),
  flowVersionId: z.uuid().optional(),
  contactId: z.uuid().optional(),
  status: z.enum(EXECUTION_STATUSES).optional(),
  errorCode: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  to: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

@ApiTags('executions')
@Controller('api/executions')
@AnyRole()
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Get()
  @ApiOperation({ summary: 'Executions, newest first; filter by flow, version, contact, status, error code, time range' })
  list(@CurrentPrincipal() principal: Principal, @Query(new ZodValidationPipe(listQuery)) query: z.infer<typeof listQuery>) {
    if (query.from && query.to && query.from >= query.to) throw new BadRequestException('from must be before to.');
    return this.executions.list(principal.workspaceId, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One execution with every step: input, output, branch, status, timing, error' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.executions.get(principal.workspaceId, id);
  }
}
