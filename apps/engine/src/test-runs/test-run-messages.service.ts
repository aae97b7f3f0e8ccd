import { Injectable } from '@nestjs/common';
import type { RuntimeEvent } from '@parley/node-sdk';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { ExecutionStore } from '../executions/execution-store.service';
import { Clock } from '../common/clock';
import { sqlRow } from '../database/sql-rows';
import { FlowVersionCache } from '../runtime/flow-version-cache.service';

export interface TestRunMessageClaim {
  workspaceId: string;
  flowId: string;
  flowVersionId: string;
  contactId: string;
  skipWaits: boolean;
  createdBy: string | null;
}

const idRow = z.object({ id: z.string() });
const claimRow = z.object({
  id: z.string(),
  flow_id: z.string(),
  flow_version_id: z.string(),
  skip_waits: z.boolean(),
  execution_id: z.string().nullable(),
});
const startedRow = z.object({ execution_id: z.string().nullable(), trigger_event_id: z.string().nullable() });

const POLL_MS = 25;

/**
 * Test runs started by a customer message (owner of `test_run_messages`).
 *
 * The message goes through the WhatsApp simulator like any customer's, so the
 * engine stores it from Meta's signed webhook and the 24-hour window opens on
 * both sides. Before it is sent, the test run claims the wamid the simulator
 * will use; when the event processor meets the event of that message, it
 * starts the claimed test execution instead of matching live flows.
 */
@Injectable()
export class TestRunMessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly versions: FlowVersionCache,
    private readonly clock: Clock,
    private readonly executions: ExecutionStore,
  ) {}

  /** Claims a new wamid for a test run; returns the claim and the wamid the simulator must use. */
  async claim(manager: EntityManager, claim: TestRunMessageClaim): Promise<{ id: string; wamid: string }> {
    const wamid = `wamid.test.${randomBytes(24).toString('base64url')}`;
    const row = await sqlRow(
      manager,
      idRow,
      `INSERT INTO test_run_messages (workspace_id, flow_id, flow_version_id, contact_id, wamid, skip_waits, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [claim.workspaceId, claim.flowId, claim.flowVersionId, claim.contactId, wamid, claim.skipWaits, claim.createdBy],
    );
    if (!row) throw new Error('The test run message was not claimed.');
    return { id: row.id, wamid };
  }

  /**
   * The test execution a customer message starts, when a test run claimed it
   * (created on first call; the same one again after a crash); null for every
   * other event, which live flows then handle as usual.
   */
  async executionFor(workspaceId: string, event: RuntimeEvent): Promise<string | null> {
    const wamid = event.payload['wamid'];
    if (event.type !== 'message.received' || typeof wamid !== 'string' || !wamid.startsWith('wamid.test.')) return null;
    return this.dataSource.transaction(async (manager) => {
      const claim = await sqlRow(
        manager,
        claimRow,
        `SELECT id, flow_id, flow_version_id, skip_waits, execution_id FROM test_run_messages
          WHERE workspace_id = $1 AND wamid = $2 FOR UPDATE`,
        [workspaceId, wamid],
      );
      if (!claim) return null;
      if (claim.execution_id !== null) return claim.execution_id;
      const flow = await this.versions.get(claim.flow_version_id);
      const now = this.clock.now();
      const executionId = await this.executions.startTestRun(
        manager,
        {
          workspaceId,
          flowId: claim.flow_id,
          flowVersionId: claim.flow_version_id,
          contactId: event.contactId,
          triggerEventId: event.id,
          triggerNodeId: flow.trigger.node.id,
          skipWaits: claim.skip_waits,
        },
        now,
      );
      await manager.query('UPDATE test_run_messages SET execution_id = $2 WHERE id = $1', [claim.id, executionId]);
      return executionId;
    });
  }

  /**
   * Waits (real time: the webhook and the event are handled by other work)
   * until the claimed message has started its execution.
   */
  async started(claimId: string, timeoutMs: number): Promise<{ executionId: string; eventId: string } | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await sqlRow(
        this.dataSource,
        startedRow,
        `SELECT m.execution_id, e.trigger_event_id::text AS trigger_event_id
           FROM test_run_messages m LEFT JOIN executions e ON e.id = m.execution_id WHERE m.id = $1`,
        [claimId],
      );
      if (row?.execution_id && row.trigger_event_id) return { executionId: row.execution_id, eventId: row.trigger_event_id };
      if (Date.now() >= deadline) return null;
      await sleep(POLL_MS);
    }
  }
}
