import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Roles } from '../../auth/roles.decorator';
import { ErrorResponses, ZodBody, ZodParam, ZodQuery, ZodResponse } from '../../common/api-contract';
import { idParam } from '../../common/route-params';
import { CrmConflictsService } from './crm-conflicts.service';

const side = z.object({ value: z.string().nullable(), changedAt: z.iso.datetime(), source: z.string() });
const conflictView = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  contactName: z.string().nullable(),
  field: z.enum(['firstName', 'lastName', 'email', 'phone']),
  local: side,
  remote: side,
  winner: z.enum(['local', 'remote']).meta({ description: 'The side whose later change the sync applied' }),
  status: z.enum(['open', 'accepted_local', 'accepted_remote', 'edited', 'dismissed']),
  resolvedValue: z.string().nullable(),
  resolvedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
const listQuery = z.object({ status: z.enum(['open', 'resolved', 'all']).default('open') });
const resolveSchema = z
  .object({
    decision: z.enum(['local', 'remote', 'edit', 'dismiss']),
    value: z.string().max(320).nullable().optional().meta({ description: 'The value to keep, with decision "edit"' }),
  })
  .superRefine((body, ctx) => {
    if (body.decision === 'edit' && body.value === undefined)
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'give the value to keep' });
  });

@ApiTags('crm')
@Controller('api/crm/conflicts')
@Roles('admin', 'support')
export class CrmConflictsController {
  constructor(private readonly conflicts: CrmConflictsService) {}

  @Get()
  @ApiOperation({ summary: 'The review queue: fields changed in Parley and in the CRM, with both values, times and sources' })
  @ZodResponse(z.object({ data: z.array(conflictView) }))
  async list(@CurrentPrincipal() principal: Principal, @ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    return { data: await this.conflicts.list(principal.workspaceId, query.status) };
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve a conflict: keep the Parley value, the CRM value, an edited value, or dismiss (audited)' })
  @ZodResponse(conflictView)
  @ErrorResponses({ 409: 'Resolved already' })
  resolve(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(resolveSchema) body: z.infer<typeof resolveSchema>,
  ) {
    return this.conflicts.resolve(principal, id, body.decision, body.value);
  }
}
