import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRow } from '../../database/sql-rows';
import { type CappedBlock, DuplicateScanService, SCAN_STAGES, type ScanStage } from './duplicate-scan.service';

/** A worker holds a job this long without a step before another may take it over (a step is far shorter). */
const LEASE_MS = 5 * 60_000;

const jobRow = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  detected_by: z.string(),
  stage: z.enum(SCAN_STAGES),
  stage_after: z.string().nullable(),
  stages_done: z.number(),
  steps: z.number(),
  pairs_found: z.number(),
  contacts_compared: z.number(),
  auto_merged: z.number(),
  capped_blocks: z.number(),
  capped_examples: z.array(z.object({ sku: z.string(), key: z.string(), purchases: z.number(), truncated: z.boolean() })),
  error: z.string().nullable(),
  created_at: z.date(),
  started_at: z.date().nullable(),
  updated_at: z.date(),
  finished_at: z.date().nullable(),
});
type JobRow = z.infer<typeof jobRow>;
const JOB_COLUMNS = `id, status, detected_by, stage, stage_after, stages_done, steps, pairs_found, contacts_compared, auto_merged, capped_blocks, capped_examples, error,
  created_at, started_at, updated_at, finished_at`;

export interface DuplicateScanJobView {
  id: string;
  status: JobRow['status'];
  detectedBy: string;
  stage: ScanStage;
  stagesDone: number;
  stagesTotal: number;
  steps: number;
  pairsFound: number;
  contactsCompared: number;
  autoMerged: number;
  /** Same-SKU blocks where the scan's bound cut comparisons short (pairs there may be missed), and the first few. */
  cappedBlocks: number;
  cappedExamples: CappedBlock[];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

function view(row: JobRow): DuplicateScanJobView {
  return {
    id: row.id,
    status: row.status,
    detectedBy: row.detected_by,
    stage: row.stage,
    stagesDone: row.stages_done,
    stagesTotal: SCAN_STAGES.length,
    steps: row.steps,
    pairsFound: row.pairs_found,
    contactsCompared: row.contacts_compared,
    autoMerged: row.auto_merged,
    cappedBlocks: row.capped_blocks,
    cappedExamples: row.capped_examples,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/**
 * Owns duplicate_scan_jobs: the whole-workspace duplicate scan as a
 * background job. Starting one answers at once; workers take a queued job
 * (or one whose worker stopped renewing its lease) and work it one step of
 * one stage at a time, storing the stage and keyset position after each
 * step, so a crash resumes at the step that was running. One job at a time
 * per workspace.
 */
@Injectable()
export class DuplicateScanJobsService {
  private readonly logger = new Logger('DuplicateScanJobs');

  constructor(
    private readonly dataSource: DataSource,
    private readonly scans: DuplicateScanService,
  ) {}

  /** Queues a scan; when one is already queued or running, answers that one with `started: false`. */
  async start(workspaceId: string, detectedBy: string): Promise<{ started: boolean; job: DuplicateScanJobView }> {
    const inserted = await sqlRow(
      this.dataSource,
      jobRow,
      `INSERT INTO duplicate_scan_jobs (workspace_id, detected_by) VALUES ($1, $2)
       ON CONFLICT (workspace_id) WHERE status IN ('queued', 'running') DO NOTHING RETURNING ${JOB_COLUMNS}`,
      [workspaceId, detectedBy],
    );
    if (inserted) return { started: true, job: view(inserted) };
    const active = await sqlRow(
      this.dataSource,
      jobRow,
      `SELECT ${JOB_COLUMNS} FROM duplicate_scan_jobs WHERE workspace_id = $1 AND status IN ('queued', 'running')`,
      [workspaceId],
    );
    // The active job finished between the two statements: queue again.
    if (!active) return this.start(workspaceId, detectedBy);
    return { started: false, job: view(active) };
  }

  async get(workspaceId: string, jobId: string): Promise<DuplicateScanJobView | null> {
    const row = await sqlRow(
      this.dataSource,
      jobRow,
      `SELECT ${JOB_COLUMNS} FROM duplicate_scan_jobs WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, jobId],
    );
    return row ? view(row) : null;
  }

  async latest(workspaceId: string): Promise<DuplicateScanJobView | null> {
    const row = await sqlRow(
      this.dataSource,
      jobRow,
      `SELECT ${JOB_COLUMNS} FROM duplicate_scan_jobs WHERE workspace_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [workspaceId],
    );
    return row ? view(row) : null;
  }

  /**
   * Takes one job that is due and works it: to the end, or `maxSteps` steps
   * (a test stops there to play a crash: the job stays running under a lease
   * nobody renews). Answers whether a job was taken.
   */
  async runDue(options: { maxSteps?: number; leaseMs?: number } = {}): Promise<boolean> {
    const token = randomUUID();
    const leaseMs = options.leaseMs ?? LEASE_MS;
    const claimed = await sqlRow(
      this.dataSource,
      jobRow.extend({ workspace_id: z.string() }),
      `UPDATE duplicate_scan_jobs SET status = 'running', lease_token = $1,
              lease_until = clock_timestamp() + make_interval(secs => $2::double precision / 1000),
              started_at = coalesce(started_at, clock_timestamp()), updated_at = clock_timestamp()
        WHERE id = (SELECT id FROM duplicate_scan_jobs
                     WHERE status = 'queued' OR (status = 'running' AND lease_until < clock_timestamp())
                     ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING workspace_id, ${JOB_COLUMNS}`,
      [token, leaseMs],
    );
    if (!claimed) return false;
    let stage: ScanStage = claimed.stage;
    let after = claimed.stage_after;
    let stagesDone = claimed.stages_done;
    for (let step = 0; options.maxSteps === undefined || step < options.maxSteps; step += 1) {
      let outcome;
      try {
        outcome = await this.scans.scanStep(claimed.workspace_id, stage, after, claimed.detected_by);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn(`Duplicate scan ${claimed.id} failed: ${message}`);
        await this.dataSource.query(
          `UPDATE duplicate_scan_jobs SET status = 'failed', error = $3, finished_at = clock_timestamp(), updated_at = clock_timestamp(),
                  lease_token = NULL WHERE id = $1 AND lease_token = $2`,
          [claimed.id, token, message.slice(0, 2000)],
        );
        return true;
      }
      const stageIndex = SCAN_STAGES.indexOf(stage);
      const nextStage = SCAN_STAGES[stageIndex + 1];
      const finishedStage = outcome.after === null;
      if (finishedStage) stagesDone = stageIndex + 1;
      const done = finishedStage && nextStage === undefined;
      if (finishedStage && nextStage) stage = nextStage;
      after = finishedStage ? null : outcome.after;
      // Where the job stands is stored with the step's counts: a worker that dies after this resumes at the next step.
      const kept = await sqlRow(
        this.dataSource,
        z.object({ id: z.string() }),
        `UPDATE duplicate_scan_jobs SET stage = $3, stage_after = $4, stages_done = $5, steps = steps + 1,
                pairs_found = pairs_found + $6, contacts_compared = contacts_compared + $7, auto_merged = auto_merged + $8,
                capped_blocks = capped_blocks + $11,
                capped_examples = (SELECT coalesce(jsonb_agg(e), '[]') FROM (SELECT e FROM jsonb_array_elements(capped_examples || $12::jsonb) e LIMIT 20) x),
                status = CASE WHEN $9 THEN 'done' ELSE 'running' END, finished_at = CASE WHEN $9 THEN clock_timestamp() END,
                lease_until = clock_timestamp() + make_interval(secs => $10::double precision / 1000), updated_at = clock_timestamp()
          WHERE id = $1 AND lease_token = $2 AND status = 'running' RETURNING id`,
        [
          claimed.id,
          token,
          stage,
          after,
          stagesDone,
          outcome.pairsFound,
          outcome.contactsCompared,
          outcome.autoMerged,
          done,
          leaseMs,
          outcome.cappedBlocks,
          JSON.stringify(outcome.cappedExamples),
        ],
      );
      // Another worker took the job over (this one stalled past its lease): it carries on from the stored step.
      if (!kept || done) return true;
    }
    return true;
  }
}
