import { Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { Clock } from '../common/clock';
import { ZodBody, ZodParam, ZodQuery, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import { PauseService } from './pause.service';

const pauseSchema = z.object({
  hours: z
    .number()
    .min(0.25)
    .max(24 * 365)
    .nullable()
    .default(null),
  reason: z.string().trim().max(500).default(''),
});

const listQuery = z.object({
  active: z.enum(['true', 'false']).default('true'),
  contactId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const pausedView = z.object({ pauseId: z.uuid(), until: z.iso.datetime().nullable() });
const resumedView = z.object({ resumed: z.number().int().meta({ description: 'Pauses ended' }) });
const pauseView = z.object({
  id: z.uuid(),
  scope: z.string(),
  contactId: z.uuid().nullable(),
  flowId: z.uuid().nullable(),
  startsAt: z.iso.datetime(),
  until: z.iso.datetime().nullable(),
  reason: z.string(),
  createdBy: z.string(),
  createdByUserId: z.string().nullable(),
  endedAt: z.iso.datetime().nullable(),
  endedBy: z.string().nullable(),
  endedByUserId: z.string().nullable(),
});

const pauseRow = z.object({
  id: z.string(),
  scope: z.string(),
  contact_id: z.string().nullable(),
  flow_id: z.string().nullable(),
  starts_at: z.date(),
  ends_at: z.date().nullable(),
  reason: z.string(),
  created_by: z.string(),
  created_by_user_id: z.string().nullable(),
  ended_at: z.date().nullable(),
  ended_by: z.string().nullable(),
  ended_by_user_id: z.string().nullable(),
});

/** Pausing whole flows or the whole workspace, and the record of every pause. */
@ApiTags('automation')
@Controller('api')
export class PausesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pauses: PauseService,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
  ) {}

  private until(hours: number | null): Date | null {
    return hours === null ? null : new Date(this.clock.now().getTime() + hours * 3_600_000);
  }

  private async wake(contacts: string[]): Promise<void> {
    await this.dispatcher.dispatch(contacts.map((id) => ({ kind: 'contact' as const, id })));
  }

  @Get('pauses')
  @AnyRole()
  @ApiOperation({ summary: 'Pauses of automation (active ones, or the full history), with who started and ended them' })
  @ZodResponse(z.object({ data: z.array(pauseView) }))
  async list(@CurrentPrincipal() principal: Principal, @ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    const rows = await sqlRows(
      this.dataSource,
      pauseRow,
      `SELECT id, scope, contact_id, flow_id, starts_at, ends_at, reason, created_by, created_by_user_id, ended_at, ended_by, ended_by_user_id
         FROM automation_pauses
        WHERE workspace_id = $1 AND ($2 = 'false' OR (ended_at IS NULL AND (ends_at IS NULL OR ends_at > $3)))
          AND ($4::uuid IS NULL OR contact_id = $4)
        ORDER BY created_at DESC LIMIT $5`,
      [principal.workspaceId, query.active, this.clock.now(), query.contactId ?? null, query.limit],
    );
    return {
      data: rows.map((r) => ({
        id: r.id,
        scope: r.scope,
        contactId: r.contact_id,
        flowId: r.flow_id,
        startsAt: r.starts_at.toISOString(),
        until: r.ends_at?.toISOString() ?? null,
        reason: r.reason,
        createdBy: r.created_by,
        createdByUserId: r.created_by_user_id,
        endedAt: r.ended_at?.toISOString() ?? null,
        endedBy: r.ended_by,
        endedByUserId: r.ended_by_user_id,
      })),
    };
  }

  @Post('flows/:id/pause')
  @Roles('admin', 'marketer')
  @HttpCode(201)
  @ApiOperation({ summary: 'Pause a flow: its runs hold before their next side effect, new ones follow the flow setting' })
  @ZodResponse(pausedView, { status: 201, description: 'Paused' })
  async pauseFlow(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(pauseSchema) body: z.infer<typeof pauseSchema>,
  ) {
    const flow = await sqlRow(this.dataSource, z.object({ id: z.string() }), 'SELECT id FROM flows WHERE id = $1 AND workspace_id = $2', [
      id,
      principal.workspaceId,
    ]);
    if (!flow) throw new NotFoundException('No such flow in this workspace.');
    const until = this.until(body.hours);
    const pause = await this.pauses.pause({
      workspaceId: principal.workspaceId,
      scope: 'flow',
      flowId: id,
      until,
      reason: body.reason || 'Flow paused by hand',
      actor: { kind: 'user', userId: principal.userId },
    });
    return { pauseId: pause.id, until: until?.toISOString() ?? null };
  }

  @Post('flows/:id/resume')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused flow' })
  @ZodResponse(resumedView)
  async resumeFlow(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    const result = await this.pauses.resume(principal.workspaceId, 'flow', id, { kind: 'user', userId: principal.userId });
    await this.wake(result.contacts);
    return { resumed: result.ended };
  }

  @Post('automation/pause')
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Pause all automation of the workspace' })
  @ZodResponse(pausedView, { status: 201, description: 'Paused' })
  async pauseWorkspace(@CurrentPrincipal() principal: Principal, @ZodBody(pauseSchema) body: z.infer<typeof pauseSchema>) {
    const until = this.until(body.hours);
    const pause = await this.pauses.pause({
      workspaceId: principal.workspaceId,
      scope: 'workspace',
      until,
      reason: body.reason || 'All automation paused',
      actor: { kind: 'user', userId: principal.userId },
    });
    return { pauseId: pause.id, until: until?.toISOString() ?? null };
  }

  @Post('automation/resume')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume all automation of the workspace' })
  @ZodResponse(resumedView)
  async resumeWorkspace(@CurrentPrincipal() principal: Principal) {
    const result = await this.pauses.resume(principal.workspaceId, 'workspace', null, { kind: 'user', userId: principal.userId });
    await this.wake(result.contacts);
    return { resumed: result.ended };
  }
}
