import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { sqlRows } from '../database/sql-rows';
import { ExecutionStore } from './execution-store.service';
import { type RetryOptions, decideRetry } from './retry-decision';

/** What became of one execution a person (or a bulk job) asked to retry. */
export type RetryOutcome =
  { executionId: string; retried: true; contactId: string } | { executionId: string; retried: false; notFound: boolean; reason: string };

const factsRow = z.object({
  id: z.string(),
  contact_id: z.string(),
  status: z.string(),
  test_mode: z.boolean(),
  version_id: z.string(),
  version_number: z.number(),
  failed_node: z.string().nullable(),
  failed_visit: z.number().nullable(),
  effect_status: z.string().nullable(),
  latest_id: z.string().nullable(),
  latest_number: z.number().nullable(),
  latest_has_step: z.boolean().nullable(),
});

/**
 * Retries failed executions, one or a batch at a time, with a fixed number of
 * statements whatever the batch size: the facts of all of them in one locking
 * read, the decision per execution (pure), then their side effects, their new
 * positions (the execution store) and their audit entries, each in one
 * statement. Runs in the caller's transaction, so a batch commits whole.
 */
@Injectable()
export class ExecutionRetriesService {
  constructor(
    private readonly store: ExecutionStore,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async retryMany(
    manager: EntityManager,
    actor: { workspaceId: string; userId: string | null },
    ids: readonly string[],
    options: RetryOptions,
  ): Promise<RetryOutcome[]> {
    if (ids.length === 0) return [];
    // Locked in id order, so two batches that overlap never deadlock.
    const facts = await sqlRows(
      manager,
      factsRow,
      `SELECT e.id, e.contact_id, e.status, e.test_mode, v.id AS version_id, v.version AS version_number,
              s.node_id AS failed_node, s.visit AS failed_visit, se.status AS effect_status,
              lv.id AS latest_id, lv.version AS latest_number,
              lv.definition -> 'nodes' @> jsonb_build_array(jsonb_build_object('id', s.node_id)) AS latest_has_step
         FROM executions e
         JOIN flow_versions v ON v.id = e.flow_version_id
         JOIN flows f ON f.id = e.flow_id
         LEFT JOIN flow_versions lv ON lv.id = f.published_version_id
         LEFT JOIN LATERAL (SELECT node_id, visit FROM execution_steps
                             WHERE execution_id = e.id AND status = 'failed' ORDER BY sequence DESC LIMIT 1) s ON true
         LEFT JOIN side_effects se ON se.idempotency_key = e.id::text || ':' || s.node_id || ':' || s.visit
        WHERE e.workspace_id = $1 AND e.id = ANY($2::uuid[])
        ORDER BY e.id
          FOR UPDATE OF e`,
      [actor.workspaceId, ids],
    );
    const byId = new Map(facts.map((row) => [row.id, row]));
    const outcomes: RetryOutcome[] = [];
    const plans: {
      executionId: string;
      contactId: string;
      nodeId: string;
      effectKey: string;
      toVersion: { id: string; number: number } | null;
      fromVersion: number;
      resendUnknown: boolean;
    }[] = [];
    for (const id of ids) {
      const row = byId.get(id);
      if (!row) {
        outcomes.push({ executionId: id, retried: false, notFound: true, reason: 'No such execution in this workspace.' });
        continue;
      }
      const decision = decideRetry(
        id,
        {
          status: row.status,
          testMode: row.test_mode,
          failedStep: row.failed_node !== null && row.failed_visit !== null ? { nodeId: row.failed_node, visit: row.failed_visit } : null,
          effectStatus: row.effect_status,
          version: { id: row.version_id, number: row.version_number },
          latest:
            row.latest_id !== null && row.latest_number !== null
              ? { id: row.latest_id, number: row.latest_number, hasFailedStep: row.latest_has_step === true }
              : null,
        },
        options,
      );
      if (!decision.retry) {
        outcomes.push({ executionId: id, retried: false, notFound: false, reason: decision.reason });
        continue;
      }
      plans.push({
        executionId: id,
        contactId: row.contact_id,
        nodeId: decision.nodeId,
        effectKey: decision.effectKey,
        toVersion: decision.toVersion,
        fromVersion: row.version_number,
        resendUnknown: decision.resendUnknown,
      });
      outcomes.push({ executionId: id, retried: true, contactId: row.contact_id });
    }
    if (plans.length === 0) return outcomes;
    const now = this.clock.now();
    await manager.query(
      `UPDATE side_effects SET status = 'failed', result = coalesce(result, '{}'::jsonb) || '{"retryable": true}'::jsonb
        WHERE idempotency_key = ANY($1::text[]) AND status IN ('failed', 'unknown')`,
      [plans.map((p) => p.effectKey)],
    );
    await this.store.retryFailed(
      manager,
      plans.map((p) => ({ executionId: p.executionId, nodeId: p.nodeId, flowVersionId: p.toVersion?.id ?? null })),
      now,
    );
    await this.audit.recordMany(
      plans.map((p) => ({
        workspaceId: actor.workspaceId,
        actorUserId: actor.userId,
        action: 'execution.retried',
        subjectType: 'execution',
        subjectId: p.executionId,
        details: {
          node: p.nodeId,
          resendUnknown: p.resendUnknown,
          ...(options.onVersion === 'latest'
            ? { onVersion: 'latest', fromVersion: p.fromVersion, toVersion: p.toVersion?.number ?? p.fromVersion }
            : {}),
        },
      })),
      manager,
    );
    return outcomes;
  }
}
