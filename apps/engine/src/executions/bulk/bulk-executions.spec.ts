import { buildFlow } from '@parley/flow-templates';
import { Client } from 'pg';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { priceReplyFlow } from '../../test-support/flow-fixtures';
import { arr, obj, str } from '../../test-support/json';
import { Scenario } from '../../test-support/scenario';
import { BulkExecutionsService } from './bulk-executions.service';

describe('bulk retry and cancel by filter', () => {
  let h: EngineHarness;
  let s: Scenario;
  let flowId: string;
  let failedIds: string[];

  beforeAll(async () => {
    h = await startEngineHarness();
    s = await Scenario.create(h, 'bulk actions');
    flowId = await s.publish(priceReplyFlow('Prices start at 10 EUR', 'price'), 'Price reply');
    // Five customers whose number is unreachable once (WhatsApp's 131026), and two who get their answer.
    for (let i = 0; i < 7; i += 1) {
      const waId = `39333500000${i}`;
      if (i < 5)
        await fetch(`${h.simulator.url}/sim/faults`, {
          method: 'POST',
          body: JSON.stringify({ to: waId, kind: 'graph_error', code: 131026 }),
        });
      await s.customer(waId, `Customer ${i}`).says('price?');
    }
    await h.settle();
    failedIds = arr(obj((await s.admin.get(`/api/executions?status=failed&flowId=${flowId}`)).body)['data']).map((e) => str(obj(e)['id']));
    expect(failedIds).toHaveLength(5);
  });
  afterAll(async () => {
    await h.close();
  });

  it('counts first: the failed runs matching the filter, minus the exclusions', async () => {
    const preview = await s.admin.post('/api/executions/bulk/preview', { action: 'retry', filter: { flowId, errorCode: '131026' } });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ action: 'retry', count: 5, excludedMatching: 0 });
    const excluding = await s.admin.post('/api/executions/bulk/preview', {
      action: 'retry',
      filter: { flowId, errorCode: '131026' },
      excluded: [failedIds[0]],
    });
    expect(excluding.body).toEqual({ action: 'retry', count: 4, excludedMatching: 1 });
    // Retry acts on failed runs only: a filter on succeeded runs counts nothing; cancel counts active runs only.
    expect(
      obj((await s.admin.post('/api/executions/bulk/preview', { action: 'retry', filter: { flowId, status: 'succeeded' } })).body)['count'],
    ).toBe(0);
    expect(obj((await s.admin.post('/api/executions/bulk/preview', { action: 'cancel', filter: { flowId } })).body)['count']).toBe(0);
  });

  it('refuses to start when the confirmed count is no longer the count, and changes nothing', async () => {
    const response = await s.admin.post('/api/executions/bulk/jobs', {
      action: 'retry',
      filter: { flowId, errorCode: '131026' },
      excluded: [failedIds[0]],
      expectedCount: 5,
      requestKey: 'stale-count-0001',
    });
    expect(response.status).toBe(409);
    expect(obj(response.body)).toMatchObject({ count: 4 });
    expect(str(obj(response.body)['message'])).toContain('expectedCount');
    expect(await h.count('bulk_execution_jobs')).toBe(0);
    expect(await h.count('audit_log', `action LIKE 'executions.bulk%'`)).toBe(0);
  });

  it('runs a confirmed bulk retry once, in the background, audited, even when started twice', async () => {
    const body = {
      action: 'retry',
      filter: { flowId, errorCode: '131026' },
      excluded: [failedIds[0]],
      expectedCount: 4,
      requestKey: 'bulk-retry-0001',
    };
    const [first, second] = await Promise.all([
      s.admin.post('/api/executions/bulk/jobs', body),
      s.admin.post('/api/executions/bulk/jobs', body),
    ]);
    expect([first.status, second.status]).toEqual([202, 202]);
    const jobId = str(obj(first.body)['id']);
    expect(str(obj(second.body)['id'])).toBe(jobId);
    await h.app.get(BulkExecutionsService).whenIdle();
    await h.settle();
    const job = obj((await s.admin.get(`/api/executions/bulk/jobs/${jobId}`)).body);
    expect(job).toMatchObject({ status: 'done', total: 4, processed: 4, succeeded: 4, skipped: 0 });
    // Sent a third time after it finished: the same job, nothing retried again.
    const third = await s.admin.post('/api/executions/bulk/jobs', body);
    expect(str(obj(third.body)['id'])).toBe(jobId);
    await h.app.get(BulkExecutionsService).whenIdle();
    expect(await h.count('audit_log', `action = 'execution.retried'`)).toBe(4);
    const statuses = await h.sql(`SELECT id, status FROM executions WHERE id = ANY($1)`, [failedIds]);
    const byId = new Map(statuses.map((r) => [r['id'], r['status']]));
    expect(byId.get(failedIds[0])).toBe('failed');
    for (const id of failedIds.slice(1)) expect(byId.get(id)).toBe('succeeded');
    const actions = (await h.sql(`SELECT action, details FROM audit_log WHERE subject_id = $1 ORDER BY id`, [jobId])).map(
      (r) => r['action'],
    );
    expect(actions).toEqual(['executions.bulk_retry_started', 'executions.bulk_retry_finished']);
    const [started] = await h.sql(`SELECT details FROM audit_log WHERE action = 'executions.bulk_retry_started'`);
    expect(obj(started?.['details'])).toMatchObject({ count: 4, excluded: [failedIds[0]], filter: { flowId, errorCode: '131026' } });
  });

  it('cancels the active runs a filter matches set-based, once when started twice, audited, leaving live runs outside the set alone', async () => {
    const waitFlow = await s.publish(
      buildFlow(
        [
          {
            id: 't',
            type: 'trigger.inbound_message',
            config: { match: 'keyword', keywords: ['waitme'], mode: 'contains', caseSensitive: false },
            at: [0, 0],
          },
          { id: 'w', type: 'timing.wait_for_event', config: { eventType: 'order.created', filter: {}, timeout: null }, at: [0, 1] },
        ],
        [['t', 'next', 'w']],
        { reentry: 'parallel' },
      ),
      'Waits for an order',
    );
    for (let i = 0; i < 4; i += 1) await s.customer(`39333600000${i}`, `Waiting ${i}`).says('waitme');
    await h.settle();
    const filter = { flowId: waitFlow, status: 'waiting' };
    const waiting = arr(obj((await s.admin.get(`/api/executions?flowId=${waitFlow}&status=waiting`)).body)['data']).map((e) =>
      str(obj(e)['id']),
    );
    expect(waiting).toHaveLength(4);
    const [kept, ...toCancel] = waiting;
    const preview = await s.admin.post('/api/executions/bulk/preview', { action: 'cancel', filter, excluded: [kept] });
    expect(preview.body).toEqual({ action: 'cancel', count: 3, excludedMatching: 1 });
    const body = { action: 'cancel', filter, excluded: [kept], expectedCount: 3, requestKey: 'bulk-cancel-0001' };
    const [first, second] = await Promise.all([
      s.admin.post('/api/executions/bulk/jobs', body),
      s.admin.post('/api/executions/bulk/jobs', body),
    ]);
    expect([first.status, second.status]).toEqual([202, 202]);
    const jobId = str(obj(first.body)['id']);
    expect(str(obj(second.body)['id'])).toBe(jobId);
    // A customer who enters the flow after the set was frozen matches the filter too, but is not in the job.
    await s.customer('393336000009', 'Came later').says('waitme');
    await h.app.get(BulkExecutionsService).whenIdle();
    await h.settle();
    expect(obj((await s.admin.get(`/api/executions/bulk/jobs/${jobId}`)).body)).toMatchObject({
      status: 'done',
      total: 3,
      processed: 3,
      succeeded: 3,
      skipped: 0,
    });
    // Sent again after it finished: the same job, nothing cancelled again.
    const third = await s.admin.post('/api/executions/bulk/jobs', body);
    expect(str(obj(third.body)['id'])).toBe(jobId);
    await h.app.get(BulkExecutionsService).whenIdle();
    const statuses = await h.sql(`SELECT id, status FROM executions WHERE flow_id = $1`, [waitFlow]);
    expect(statuses).toHaveLength(5);
    for (const row of statuses) expect(row['status']).toBe(toCancel.includes(str(row['id'])) ? 'cancelled' : 'waiting');
    expect(await h.count('waits', `execution_id = ANY($1) AND status = 'waiting'`, [toCancel])).toBe(0);
    expect(await h.count('waits', `execution_id = $1 AND status = 'waiting'`, [kept])).toBe(1);
    const cancelledEntries = await h.sql(`SELECT subject_id FROM audit_log WHERE action = 'execution.cancelled' ORDER BY subject_id`);
    expect(cancelledEntries.map((r) => r['subject_id'])).toEqual([...toCancel].sort());
    const jobEntries = await h.sql(`SELECT action, details FROM audit_log WHERE subject_id = $1 ORDER BY id`, [jobId]);
    expect(jobEntries.map((r) => r['action'])).toEqual(['executions.bulk_cancel_started', 'executions.bulk_cancel_finished']);
    expect(obj(jobEntries[0]?.['details'])).toMatchObject({ count: 3, excluded: [kept] });
    expect(obj(jobEntries[1]?.['details'])).toMatchObject({ total: 3, succeeded: 3, skipped: 0 });
    // What is left active: the one left out and the one that came later.
    expect(obj((await s.admin.post('/api/executions/bulk/preview', { action: 'cancel', filter })).body)['count']).toBe(2);
  });

  it('freezes every matching execution, also many sharing one start time to the microsecond (as SQL now() writes them)', async () => {
    // 2,001 waiting runs started in one statement: more than one page of 2,000, all with the same started_at.
    const [version] = await h.sql(`SELECT published_version_id AS id FROM flows WHERE id = $1`, [flowId]);
    const [contact] = await h.sql(`SELECT contact_id AS id FROM executions WHERE flow_id = $1 LIMIT 1`, [flowId]);
    await h.sql(
      `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, started_at, updated_at)
       SELECT $1, $2, $3, $4, 'waiting', 'reply', now() - interval '1 hour', now() FROM generate_series(1, 2001)`,
      [s.workspace.id, flowId, version?.['id'], contact?.['id']],
    );
    const filter = { flowId, status: 'waiting' };
    expect(obj((await s.admin.post('/api/executions/bulk/preview', { action: 'cancel', filter })).body)['count']).toBe(2001);
    const started = await s.admin.post('/api/executions/bulk/jobs', {
      action: 'cancel',
      filter,
      expectedCount: 2001,
      requestKey: 'same-microsecond',
    });
    expect(started.status).toBe(202);
    expect(obj(started.body)).toMatchObject({ total: 2001 });
    await h.app.get(BulkExecutionsService).whenIdle();
    expect(obj((await s.admin.get(`/api/executions/bulk/jobs/${str(obj(started.body)['id'])}`)).body)).toMatchObject({
      status: 'done',
      succeeded: 2001,
      skipped: 0,
    });
    expect(await h.count('executions', `flow_id = $1 AND status = 'waiting'`, [flowId])).toBe(0);
  });

  it('tries a batch again when a deadlock rolls it back, instead of stopping until its lease lapses', async () => {
    const [version] = await h.sql(`SELECT published_version_id AS id FROM flows WHERE id = $1`, [flowId]);
    const [contact] = await h.sql(`SELECT contact_id AS id FROM executions WHERE flow_id = $1 LIMIT 1`, [flowId]);
    const inserted = await h.sql(
      `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, started_at, updated_at)
       SELECT $1, $2, $3, $4, 'held', 'reply', now() - interval '1 hour', now() FROM generate_series(1, 3) RETURNING id`,
      [s.workspace.id, flowId, version?.['id'], contact?.['id']],
    );
    const ids = inserted.map((r) => str(r['id']));
    // Another transaction (as the engine's contact pass does) holds one of the runs' rows.
    const other = new Client({ connectionString: h.db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT id FROM executions WHERE id = $1 FOR UPDATE`, [ids[0]]);
      const started = await s.admin.post('/api/executions/bulk/jobs', {
        action: 'cancel',
        filter: { flowId, status: 'held' },
        expectedCount: 3,
        requestKey: 'deadlocked-batch',
      });
      expect(started.status).toBe(202);
      const jobId = str(obj(started.body)['id']);
      // The job's batch holds its items and waits for the run's row; the other transaction now waits for an item:
      // a deadlock, and PostgreSQL rolls back the batch, which waited first (it checks first).
      const waiting = async (): Promise<boolean> =>
        (await h.count(
          'pg_stat_activity',
          `datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE executions SET status = ''cancelled''%'`,
        )) > 0;
      for (let i = 0; i < 200 && !(await waiting()); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await waiting()).toBe(true);
      await other.query(`SELECT execution_id FROM bulk_execution_job_items WHERE job_id = $1 FOR UPDATE`, [jobId]);
      await other.query('COMMIT');
      await h.app.get(BulkExecutionsService).whenIdle();
      expect(obj((await s.admin.get(`/api/executions/bulk/jobs/${jobId}`)).body)).toMatchObject({
        status: 'done',
        processed: 3,
        succeeded: 3,
        skipped: 0,
      });
      expect(await h.count('executions', `id = ANY($1) AND status = 'cancelled'`, [ids])).toBe(3);
    } finally {
      await other.end();
    }
  });

  it('refuses a request key reused for a different action', async () => {
    const response = await s.admin.post('/api/executions/bulk/jobs', {
      action: 'retry',
      filter: { flowId },
      expectedCount: 1,
      requestKey: 'bulk-retry-0001',
    });
    expect(response.status).toBe(409);
    expect(str(obj(response.body)['message'])).toContain('requestKey');
  });

  it('is for admins only, and refuses bad input naming the field', async () => {
    const marketer = await h.workspace.user('marketer');
    expect((await marketer.post('/api/executions/bulk/preview', { action: 'retry', filter: {} })).status).toBe(403);
    for (const [body, field] of [
      [{ action: 'explode', filter: {} }, 'action'],
      [{ action: 'retry', filter: { status: 'exploded' } }, 'status'],
      [{ action: 'retry', filter: { flowId: 'x' } }, 'flowId'],
      [{ action: 'retry', filter: {}, excluded: ['nope'] }, 'excluded'],
      [{ action: 'retry', filter: { from: '2026-03-03T00:00:00Z', to: '2026-03-02T00:00:00Z' } }, 'from'],
    ] as const) {
      const response = await s.admin.post('/api/executions/bulk/preview', body);
      expect({ field, status: response.status }).toEqual({ field, status: 400 });
      expect(JSON.stringify(response.body)).toContain(field);
    }
    const start = await s.admin.post('/api/executions/bulk/jobs', { action: 'retry', filter: {}, expectedCount: 0, requestKey: 'x' });
    expect(start.status).toBe(400);
    expect(JSON.stringify(start.body)).toContain('expectedCount');
    expect((await s.admin.get('/api/executions/bulk/jobs/7d0c1c7e-3f0b-4f57-9a43-8f4a2f0f3f11')).status).toBe(404);
  });
});
