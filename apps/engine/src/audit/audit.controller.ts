import { BadRequestException, Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { NonJsonResponse, ZodQuery, ZodResponse } from '../common/api-contract';
import { AUDIT_CSV_HEADER, auditCsvLine } from './audit-csv';
import { type AuditFilter, auditFilterSchema } from './audit-filter';
import { AuditService } from './audit.service';
import { AuditTrailService } from './audit-trail.service';

const listQuery = auditFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional()
    .meta({ description: 'Entries older than this id (the last id of the previous page)' }),
});

const entryView = z.object({
  id: z.string().meta({ description: 'Increasing id (a 64-bit integer as text)' }),
  chainSeq: z.number().int().meta({ description: 'Place in the workspace’s hash chain' }),
  actor: z.object({ id: z.uuid(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  actorApiKey: z
    .object({ id: z.uuid(), name: z.string(), prefix: z.string().nullable() })
    .nullable()
    .meta({ description: 'The API key the change was made with (actor is then null)' }),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  subjectLabel: z.string().nullable().meta({ description: 'The subject’s current name (a flow, a user, an API key)' }),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  hash: z.string(),
  createdAt: z.iso.datetime(),
  versionDiff: z
    .object({ fromVersion: z.number().int().nullable(), toVersion: z.number().int(), sentences: z.array(z.string()) })
    .nullable()
    .meta({ description: 'For a publish: what changed from the version published before, in sentences' }),
});

const verification = z.object({
  intact: z.boolean(),
  entries: z.number().int(),
  headHash: z.string().nullable(),
  firstBroken: z.object({ id: z.string(), chainSeq: z.number().int(), reason: z.string() }).nullable(),
});

function checkRange(filter: AuditFilter): void {
  if (filter.from && filter.to && filter.from >= filter.to) throw new BadRequestException('from must be before to.');
}

@ApiTags('audit')
@Controller('api/audit')
@Roles('admin')
export class AuditController {
  constructor(
    private readonly trail: AuditTrailService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Who changed what, newest first (append-only); filter by actor, action, subject and time' })
  @ZodResponse(z.object({ data: z.array(entryView), nextBefore: z.string().nullable() }))
  list(@CurrentPrincipal() principal: Principal, @ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    checkRange(query);
    const { limit, before, ...filter } = query;
    return this.trail.page(principal.workspaceId, filter, limit, before);
  }

  @Get('verify')
  @ApiOperation({ summary: 'Recompute the hash chain and report the first entry changed, removed or inserted behind the application' })
  @ZodResponse(verification)
  verify(@CurrentPrincipal() principal: Principal) {
    return this.trail.verify(principal.workspaceId);
  }

  @Get('export.csv')
  @ApiOperation({ summary: 'The filtered trail as CSV, newest first (the export itself is audited)' })
  @NonJsonResponse('text/csv', 'One line per entry: time, actor, action, subject, origin, details, hash')
  async exportCsv(
    @CurrentPrincipal() principal: Principal,
    @ZodQuery(auditFilterSchema) filter: AuditFilter,
    @Res() response: Response,
  ): Promise<void> {
    checkRange(filter);
    await this.audit.record({
      workspaceId: principal.workspaceId,
      actorUserId: principal.userId,
      action: 'audit.exported',
      subjectType: 'audit_log',
      subjectId: null,
      details: { filter },
    });
    response.status(200);
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', 'attachment; filename="audit.csv"');
    response.write(`${AUDIT_CSV_HEADER.join(',')}\r\n`);
    for await (const entry of this.trail.all(principal.workspaceId, filter)) response.write(`${auditCsvLine(entry)}\r\n`);
    response.end();
  }
}
