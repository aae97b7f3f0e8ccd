import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';
import { Scenario } from '../test-support/scenario';
import { BulkExecutionsService } from './bulk/bulk-executions.service';

describe('retry on the latest published version', () => {
  let h: EngineHarness;
  let s: Scenario;
  let flowId: string;
  let failed: string[];
  const waIds = ['393337000001', '393337000002', '393337000003'];

  async function publishWording(definition: Record<string, unknown>): Promise<number> {
    const flow = obj((await s.admin.get(`/api/flows/${flowId}`)).body);
    const saved = await s.admin.put(`/api/flows/${flowId}`, { revision: flow['revision'], definition });
    expect(saved.status).toBe(200);
    const published = await s.admin.post(`/api/flows/${flowId}/publish`, {});
    expect(published.status).toBe(201);
    return Number(obj(published.body)['version']);
  }

  async function execution(id: string): Promise<Record<string, unknown>> {
    return obj((await s.admin.get(`/api/executions/${id}`)).body);
  }

  beforeAll(async () => {
    h = await startEngineHarness();
    s = await Scenario.create(h, 'retry on latest');
    flowId = await s.publish(priceReplyFlow('Old wording', 'price'), 'Price reply');
    // Three customers whose number is unreachable once (WhatsApp's 131026): three runs of v1 failed at "reply".
    for (const waId of waIds) {
      await fetch(`${h.simulator.url}/sim/faults`, {
        method: 'POST',
        body: JSON.stringify({ to: waId, kind: 'graph_error', code: 131026 }),
      });
      await s.customer(waId).says('price?');
    }
    await h.settle();
    // Newest first: reversed, failed[i] is the run of waIds[i].
    failed = arr(obj((await s.admin.get(`/api/executions?status=failed&flowId=${flowId}`)).body)['data'])
      .map((e) => str(obj(e)['id']))
      .reverse();
    expect(failed).toHaveLength(3);
    expect(await publishWording(priceReplyFlow('New wording', 'price'))).toBe(2);
  });
  afterAll(async () => {
    await h.close();
  });

  it('continues a failed run from its failed step on the latest version, audited with both version numbers', async () => {
    const id = str(failed[0]);
    const retry = await s.admin.post(`/api/executions/${id}/retry`, { onVersion: 'latest' });
    expect(retry.status).toBe(202);
    await h.settle();
    const after = await execution(id);
    expect(after).toMatchObject({ status: 'succeeded', version: { number: 2, kind: 'published' } });
    // The retried step ran as v2 has it: the customer got v2's wording, and never v1's.
    expect(s.customer(str(waIds[0])).texts()).toEqual(['New wording']);
    const [entry] = await h.sql(`SELECT details FROM audit_log WHERE action = 'execution.retried' AND subject_id = $1`, [id]);
    expect(obj(entry?.['details'])).toMatchObject({ node: 'reply', onVersion: 'latest', fromVersion: 1, toVersion: 2 });
  });

  it('bulk-retries a filtered set on the latest version, once', async () => {
    const id = str(failed[1]);
    const body = {
      action: 'retry',
      filter: { flowId, errorCode: '131026' },
      excluded: [str(failed[2])],
      onVersion: 'latest',
      expectedCount: 1,
      requestKey: 'bulk-latest-0001',
    };
    const [first, second] = await Promise.all([
      s.admin.post('/api/executions/bulk/jobs', body),
      s.admin.post('/api/executions/bulk/jobs', body),
    ]);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(obj(first.body)['onVersion']).toBe('latest');
    await h.app.get(BulkExecutionsService).whenIdle();
    await h.settle();
    expect(obj((await s.admin.get(`/api/executions/bulk/jobs/${str(obj(first.body)['id'])}`)).body)).toMatchObject({
      status: 'done',
      succeeded: 1,
      skipped: 0,
    });
    expect(await execution(id)).toMatchObject({ status: 'succeeded', version: { number: 2 } });
    expect(s.customer(str(waIds[1])).texts()).toEqual(['New wording']);
    expect(await h.count('audit_log', `action = 'execution.retried' AND subject_id = $1`, [id])).toBe(1);
    // The same key for a retry on the run's own version is another request.
    const other = await s.admin.post('/api/executions/bulk/jobs', { ...body, onVersion: 'same' });
    expect(other.status).toBe(409);
  });

  it('refuses with 409 naming why when the failed step was removed in the latest version, and changes nothing', async () => {
    const renamed = priceReplyFlow('Renamed step', 'price');
    renamed.nodes = renamed.nodes.map((n) => (n.id === 'reply' ? { ...n, id: 'answer' } : n));
    renamed.edges = renamed.edges.map((e) => ({ ...e, target: 'answer' }));
    expect(await publishWording(renamed)).toBe(3);
    const id = str(failed[2]);
    const auditBefore = await h.count('audit_log');
    const refused = await s.admin.post(`/api/executions/${id}/retry`, { onVersion: 'latest' });
    expect(refused.status).toBe(409);
    expect(str(obj(refused.body)['message'])).toMatch(/onVersion: the step “reply” .* was removed in the latest version \(v3\)/);
    expect(await execution(id)).toMatchObject({ status: 'failed', version: { number: 1 } });
    expect(await h.count('waits', `execution_id = $1`, [id])).toBe(0);
    expect(await h.count('audit_log')).toBe(auditBefore);

    // In bulk, the same run is skipped with that reason.
    const started = await s.admin.post('/api/executions/bulk/jobs', {
      action: 'retry',
      filter: { flowId },
      onVersion: 'latest',
      expectedCount: 1,
      requestKey: 'bulk-latest-0002',
    });
    expect(started.status).toBe(202);
    await h.app.get(BulkExecutionsService).whenIdle();
    expect(obj((await s.admin.get(`/api/executions/bulk/jobs/${str(obj(started.body)['id'])}`)).body)).toMatchObject({
      succeeded: 0,
      skipped: 1,
    });
    const [item] = await h.sql(`SELECT outcome FROM bulk_execution_job_items WHERE execution_id = $1`, [id]);
    expect(str(item?.['outcome'])).toContain('removed in the latest version');

    // On its own version it still runs.
    expect((await s.admin.post(`/api/executions/${id}/retry`, {})).status).toBe(202);
    await h.settle();
    expect(await execution(id)).toMatchObject({ status: 'succeeded', version: { number: 1 } });
    expect(s.customer(str(waIds[2])).texts()).toEqual(['Old wording']);
  });

  it('refuses bad input naming the field', async () => {
    const bad = await s.admin.post(`/api/executions/${str(failed[0])}/retry`, { onVersion: 'newest' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('onVersion');
    const cancel = await s.admin.post('/api/executions/bulk/preview', { action: 'cancel', filter: {}, onVersion: 'latest' });
    expect(cancel.status).toBe(400);
    expect(JSON.stringify(cancel.body)).toContain('onVersion');
  });
});
