import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource, LessThan } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AuditEntry } from './audit-entry.entity';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
});

@ApiTags('audit')
@Controller('api/audit')
@Roles('admin')
export class AuditController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Who changed what, newest first (append-only)' })
  async list(@CurrentPrincipal() principal: Principal, @Query(new ZodValidationPipe(listQuery)) query: z.infer<typeof listQuery>) {
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
