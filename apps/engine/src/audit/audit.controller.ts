import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource, LessThan } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ZodQuery, ZodResponse } from '../common/api-contract';
import { AuditEntry } from './audit-entry.entity';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional()
    .meta({ description: 'Entries older than this id (the last id of the previous page)' }),
});

const entryView = z.object({
  id: z.string().meta({ description: 'Increasing id (a 64-bit integer as text)' }),
  actorUserId: z.string().nullable(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
});

@ApiTags('audit')
@Controller('api/audit')
@Roles('admin')
export class AuditController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Who changed what, newest first (append-only)' })
  @ZodResponse(z.object({ data: z.array(entryView) }))
  async list(@CurrentPrincipal() principal: Principal, @ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    const entries = await this.dataSource.getRepository(AuditEntry).find({
      where: { workspaceId: principal.workspaceId, ...(query.before ? { id: LessThan(query.before) } : {}) },
      order: { id: 'DESC' },
      take: query.limit,
    });
    return {
      data: entries.map((e) => ({
        id: e.id,
        actorUserId: e.actorUserId,
        action: e.action,
        subjectType: e.subjectType,
        subjectId: e.subjectId,
        details: e.details,
        createdAt: e.createdAt.toISOString(),
      })),
    };
  }
}
