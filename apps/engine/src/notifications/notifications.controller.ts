import { Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole } from '../auth/roles.decorator';
import { NoContentResponse, ZodParam, ZodResponse } from '../common/api-contract';
import { Clock } from '../common/clock';
import { idParam } from '../common/route-params';
import { sqlRow, sqlRows } from '../database/sql-rows';

const row = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  subject_type: z.string().nullable(),
  subject_id: z.string().nullable(),
  created_at: z.date(),
  read_at: z.date().nullable(),
});

const notificationView = z.object({
  id: z.uuid(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  createdAt: z.iso.datetime(),
  read: z.boolean(),
});

@ApiTags('notifications')
@Controller('api/notifications')
@AnyRole()
export class NotificationsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your notifications in this workspace, unread first (the latest 100), and how many are unread' })
  @ZodResponse(
    z.object({ data: z.array(notificationView), unread: z.number().int().meta({ description: 'All unread, not only those listed' }) }),
  )
  async list(@CurrentPrincipal() principal: Principal) {
    const rows = await sqlRows(
      this.dataSource,
      row,
      `SELECT id, kind, title, body, subject_type, subject_id, created_at, read_at FROM notifications
        WHERE workspace_id = $1 AND user_id = $2 ORDER BY read_at IS NOT NULL, created_at DESC LIMIT 100`,
      [principal.workspaceId, principal.userId],
    );
    const unread = await sqlRow(
      this.dataSource,
      z.object({ count: z.coerce.number().int() }),
      'SELECT count(*) AS count FROM notifications WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL',
      [principal.workspaceId, principal.userId],
    );
    return {
      unread: unread?.count ?? 0,
      data: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        title: r.title,
        body: r.body,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        createdAt: r.created_at.toISOString(),
        read: r.read_at !== null,
      })),
    };
  }

  @Post(':id/read')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark a notification read' })
  @NoContentResponse('Marked read')
  async read(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string): Promise<void> {
    const updated = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      'UPDATE notifications SET read_at = coalesce(read_at, $4) WHERE id = $1 AND workspace_id = $2 AND user_id = $3 RETURNING id',
      [id, principal.workspaceId, principal.userId, this.clock.now()],
    );
    if (!updated) throw new NotFoundException('No such notification.');
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark all your notifications in this workspace read' })
  @ZodResponse(z.object({ marked: z.number().int() }))
  async readAll(@CurrentPrincipal() principal: Principal) {
    const rows = await sqlRows(
      this.dataSource,
      z.object({ id: z.string() }),
      'UPDATE notifications SET read_at = $3 WHERE workspace_id = $1 AND user_id = $2 AND read_at IS NULL RETURNING id',
      [principal.workspaceId, principal.userId, this.clock.now()],
    );
    return { marked: rows.length };
  }
}
