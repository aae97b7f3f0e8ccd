import { ConflictException, Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../../audit/audit.service';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { AnyRole, Roles } from '../../auth/roles.decorator';
import { ErrorResponses, ZodBody, ZodParam, ZodQuery, ZodResponse } from '../../common/api-contract';
import { idParam } from '../../common/route-params';
import { sqlRow, sqlRows } from '../../database/sql-rows';
import { Dispatcher } from '../../dispatch/dispatcher';
import { ContactMergeService } from '../merge/contact-merge.service';
import { DuplicateScanJobsService } from './duplicate-scan-jobs.service';

const side = z.object({
  id: z.string(),
  name: z.string().nullable(),
  phoneE164: z.string().nullable(),
  email: z.string().nullable(),
  updatedAt: z.iso.datetime(),
});
const candidateView = z.object({
  id: z.string(),
  score: z.number(),
  reasons: z
    .array(z.record(z.string(), z.unknown()))
    .meta({ description: 'Why the pair matched (same_phone, same_email, similar_name_same_sku...)' }),
  status: z.enum(['open', 'merged', 'dismissed']),
  detectedAt: z.iso.datetime(),
  a: side,
  b: side,
});
const scanJobView = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  detectedBy: z.string(),
  stage: z
    .enum(['phone', 'email', 'identity', 'sku'])
    .meta({ description: 'The stage being worked (same number, same email, a former identity, same SKU)' }),
  stagesDone: z.number(),
  stagesTotal: z.number(),
  steps: z.number(),
  pairsFound: z.number(),
  contactsCompared: z.number(),
  autoMerged: z.number(),
  cappedBlocks: z.number().meta({ description: 'Same-SKU blocks where the scan bound cut comparisons short (pairs there may be missed)' }),
  cappedExamples: z
    .array(z.object({ sku: z.string(), key: z.string(), purchases: z.number(), truncated: z.boolean() }))
    .meta({ description: 'The first 20 capped blocks: SKU, name key, purchases read, whether cut at the step size' }),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
const conflictView = z.object({ field: z.string(), kept: z.unknown(), merged: z.unknown(), defaultSide: z.enum(['kept', 'merged']) });

const listQuery = z.object({
  status: z.enum(['open', 'merged', 'dismissed']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const mergeSchema = z.object({
  keptId: z.uuid(),
  mergedId: z.uuid(),
  candidateId: z.uuid().optional(),
  choices: z
    .record(z.string().regex(/^([a-zA-Z]+|fields\.[a-z][a-z0-9_]{0,49})$/), z.enum(['kept', 'merged']))
    .default({})
    .meta({ description: 'For each conflicting field, whose value to keep; the latest change by default' }),
});
const previewQuery = z.object({ keptId: z.uuid(), mergedId: z.uuid() });

const candidateRow = z.object({
  id: z.string(),
  score: z.coerce.number(),
  reasons: z.array(z.record(z.string(), z.unknown())),
  status: z.enum(['open', 'merged', 'dismissed']),
  detected_at: z.date(),
  a: z.object({
    id: z.string(),
    name: z.string().nullable(),
    phoneE164: z.string().nullable(),
    email: z.string().nullable(),
    updatedAt: z.string(),
  }),
  b: z.object({
    id: z.string(),
    name: z.string().nullable(),
    phoneE164: z.string().nullable(),
    email: z.string().nullable(),
    updatedAt: z.string(),
  }),
});

const CANDIDATE_SQL = `SELECT d.id, d.score, d.reasons, d.status, d.detected_at,
       jsonb_build_object('id', a.id, 'name', coalesce(nullif(trim(concat_ws(' ', a.first_name, a.last_name)), ''), a.display_name),
                          'phoneE164', a.phone_e164, 'email', a.email, 'updatedAt', to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS a,
       jsonb_build_object('id', b.id, 'name', coalesce(nullif(trim(concat_ws(' ', b.first_name, b.last_name)), ''), b.display_name),
                          'phoneE164', b.phone_e164, 'email', b.email, 'updatedAt', to_char(b.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS b
  FROM duplicate_candidates d JOIN contacts a ON a.id = d.contact_a_id JOIN contacts b ON b.id = d.contact_b_id`;

function view(row: z.infer<typeof candidateRow>): z.infer<typeof candidateView> {
  return {
    id: row.id,
    score: row.score,
    reasons: row.reasons,
    status: row.status,
    detectedAt: row.detected_at.toISOString(),
    a: row.a,
    b: row.b,
  };
}

@ApiTags('contacts')
@Controller('api')
export class DuplicatesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scanJobs: DuplicateScanJobsService,
    private readonly merges: ContactMergeService,
    private readonly audit: AuditService,
    private readonly dispatcher: Dispatcher,
  ) {}

  @Get('contact-duplicates')
  @AnyRole()
  @ApiOperation({ summary: 'Duplicate candidates, most certain first, each with why it matched and a score' })
  @ZodResponse(z.object({ data: z.array(candidateView) }))
  async list(@CurrentPrincipal() principal: Principal, @ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    const rows = await sqlRows(
      this.dataSource,
      candidateRow,
      `${CANDIDATE_SQL} WHERE d.workspace_id = $1 AND d.status = $2
          AND ($2 <> 'open' OR (a.merged_into_id IS NULL AND b.merged_into_id IS NULL))
        ORDER BY d.score DESC, d.id LIMIT $3`,
      [principal.workspaceId, query.status, query.limit],
    );
    return { data: rows.map(view) };
  }

  @Post('contact-duplicates/scan')
  @Roles('admin', 'marketer')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a duplicate scan of the whole workspace as a background job (it also runs every night); answers at once with the job',
  })
  @ZodResponse(scanJobView, { description: 'The job queued; read its progress with GET /api/contact-duplicates/scans/:id' })
  @ErrorResponses({ 409: 'A scan of this workspace is already queued or running (its id is in the message)' })
  async scan(@CurrentPrincipal() principal: Principal) {
    const { started, job } = await this.scanJobs.start(principal.workspaceId, `user:${principal.userId}`);
    if (!started) throw new ConflictException(`A duplicate scan is already ${job.status}: ${job.id}`);
    return job;
  }

  @Get('contact-duplicates/scans/latest')
  @AnyRole()
  @ApiOperation({ summary: 'The latest duplicate scan of the workspace and its progress (null when none ran)' })
  @ZodResponse(z.object({ job: scanJobView.nullable() }))
  async latestScan(@CurrentPrincipal() principal: Principal) {
    return { job: await this.scanJobs.latest(principal.workspaceId) };
  }

  @Get('contact-duplicates/scans/:id')
  @AnyRole()
  @ApiOperation({ summary: 'One duplicate scan job and its progress' })
  @ZodResponse(scanJobView)
  @ErrorResponses({ 404: 'No such scan in this workspace' })
  async scanJob(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    const job = await this.scanJobs.get(principal.workspaceId, id);
    if (!job) throw new NotFoundException('id: no such duplicate scan');
    return job;
  }

  @Post('contact-duplicates/:id/dismiss')
  @Roles('admin', 'marketer', 'support')
  @HttpCode(200)
  @ApiOperation({ summary: 'Not the same customer: the pair is not proposed again' })
  @ZodResponse(candidateView)
  async dismiss(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.dataSource.transaction(async (manager) => {
      const updated = await sqlRows(
        manager,
        z.object({ id: z.string() }),
        `UPDATE duplicate_candidates SET status = 'dismissed', decided_at = now(), decided_by_user_id = $3
          WHERE id = $1 AND workspace_id = $2 AND status = 'open' RETURNING id`,
        [id, principal.workspaceId, principal.userId],
      );
      if (updated.length === 0) throw new NotFoundException('No open duplicate candidate with this id in this workspace.');
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'contact.duplicate_dismissed',
          subjectType: 'duplicate_candidate',
          subjectId: id,
        },
        manager,
      );
      const row = await sqlRow(manager, candidateRow, `${CANDIDATE_SQL} WHERE d.id = $1`, [id]);
      if (!row) throw new NotFoundException('No such candidate.');
      return view(row);
    });
  }

  @Get('contact-merges/preview')
  @AnyRole()
  @ApiOperation({ summary: 'The fields on which two contacts differ, with the value a merge takes by default (the latest change)' })
  @ZodResponse(z.object({ conflicts: z.array(conflictView) }))
  async preview(@CurrentPrincipal() principal: Principal, @ZodQuery(previewQuery) query: z.infer<typeof previewQuery>) {
    const plan = await this.merges.preview(principal.workspaceId, query.keptId, query.mergedId);
    return { conflicts: plan.conflicts };
  }

  @Post('contact-merges')
  @Roles('admin', 'marketer', 'support')
  @HttpCode(201)
  @ApiOperation({ summary: 'Merge one contact into another: everything moves to the kept one; undo within 30 days' })
  @ZodResponse(z.object({ mergeId: z.string() }), { status: 201, description: 'Merged' })
  @ErrorResponses({ 409: 'The same contact twice, or one was already merged' })
  async merge(@CurrentPrincipal() principal: Principal, @ZodBody(mergeSchema) body: z.infer<typeof mergeSchema>) {
    const result = await this.merges.merge({
      workspaceId: principal.workspaceId,
      keptId: body.keptId,
      mergedId: body.mergedId,
      choices: body.choices,
      candidateId: body.candidateId ?? null,
      actorUserId: principal.userId,
    });
    await this.dispatcher.dispatch([{ kind: 'contact', id: body.keptId }]);
    return result;
  }

  @Post('contact-merges/:id/undo')
  @Roles('admin', 'marketer', 'support')
  @HttpCode(200)
  @ApiOperation({ summary: 'Undo a merge (within 30 days): both contacts as they were, every moved row back' })
  @ZodResponse(z.object({ keptContactId: z.string(), restoredContactId: z.string() }))
  @ErrorResponses({ 409: 'Already undone, older than 30 days, or the kept contact was merged again since' })
  undo(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.merges.undo(principal.workspaceId, id, principal.userId);
  }
}
