import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';
import { Scenario } from '../test-support/scenario';

/** trigger "price" -> wait 2 days -> text: a run that is still in progress after its first step. */
function waitingFlow(reply: string) {
  const flow = priceReplyFlow(reply);
  return {
    ...flow,
    nodes: [
      ...flow.nodes,
      { id: 'wait', type: 'timing.wait', typeVersion: 1, position: { x: 0, y: 80 }, config: { amount: 2, unit: 'days' } },
    ],
    edges: [
      { id: 'e0', source: 'trigger', sourceOutput: 'next', target: 'wait' },
      { id: 'e1', source: 'wait', sourceOutput: 'next', target: 'reply' },
    ],
  };
}

describe('archiving, restoring and deleting flows', () => {
  let h: EngineHarness;
  let s: Scenario;

  beforeAll(async () => {
    h = await startEngineHarness();
    s = await Scenario.create(h, 'archive');
    await s.settings({ messaging: { recipientSpacingSeconds: 0 } });
  });
  afterAll(async () => {
    await h.close();
  });

  async function listed(id: string): Promise<Record<string, unknown> | undefined> {
    return arr(obj((await s.admin.get('/api/flows')).body)['data'])
      .map(obj)
      .find((flow) => flow['id'] === id);
  }

  it('archiving a published flow unpublishes it: no new runs, runs in progress finish; it is read-only until restored as a draft', async () => {
    const flowId = await s.publish(waitingFlow('Archived reply'), 'Seasonal');
    await s.customer('393335550001', 'Ada').says('price?');
    const [running] = await h.sql(`SELECT id, status FROM executions WHERE flow_id = $1`, [flowId]);
    expect(running).toMatchObject({ status: 'waiting' });
    expect(await listed(flowId)).toMatchObject({ status: 'published', archivedAt: null, deletable: false });

    const archived = await s.admin.post(`/api/flows/${flowId}/archive`, {});
    expect(archived.status).toBe(200);
    expect(obj(archived.body)).toMatchObject({ status: 'draft', publishedVersion: null, archivedAt: expect.any(String), cancelled: 0 });
    expect(await listed(flowId)).toMatchObject({ archivedAt: expect.any(String), status: 'draft' });

    // No new runs; the run in progress finishes on its version.
    await s.customer('393335550002', 'Bea').says('price?');
    expect(await h.count('executions', 'flow_id = $1', [flowId])).toBe(1);
    expect(await h.count('executions', `flow_id = $1 AND status = 'waiting'`, [flowId])).toBe(1);

    // Read-only while archived: saving, publishing, rolling back and testing are refused, and change nothing.
    const draft = obj((await s.admin.get(`/api/flows/${flowId}`)).body);
    const refusals = [
      await s.admin.put(`/api/flows/${flowId}`, { revision: draft['revision'], name: 'Renamed' }),
      await s.admin.post(`/api/flows/${flowId}/publish`, {}),
      await s.admin.post(`/api/flows/${flowId}/rollback`, { version: 1 }),
      await s.admin.post(`/api/flows/${flowId}/test-runs`, {
        customer: { waId: '393335550009' },
        event: { type: 'message.received', payload: { text: 'price?' } },
      }),
    ];
    expect(refusals.map((r) => [r.status, obj(r.body)['code']])).toEqual([
      [409, 'flow_archived'],
      [409, 'flow_archived'],
      [409, 'flow_archived'],
      [409, 'flow_archived'],
    ]);
    expect(obj((await s.admin.get(`/api/flows/${flowId}`)).body)).toMatchObject({ name: 'Seasonal', revision: draft['revision'] });

    // Restored: a draft again (publishing is a deliberate step), with its history.
    const restored = await s.admin.post(`/api/flows/${flowId}/restore`, {});
    expect(restored.status).toBe(200);
    expect(obj(restored.body)).toMatchObject({ archivedAt: null, status: 'draft', publishedVersion: null });
    expect(arr(obj((await s.admin.get(`/api/flows/${flowId}/versions`)).body)['data'])).toHaveLength(1);
    expect((await s.admin.post(`/api/flows/${flowId}/publish`, {})).status).toBe(201);
    await s.customer('393335550003', 'Cleo').says('price?');
    expect(await h.count('executions', 'flow_id = $1', [flowId])).toBe(2);
    const actions = await h.sql(`SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY id`, [flowId]);
    expect(actions.map((a) => a['action'])).toEqual(expect.arrayContaining(['flow.archived', 'flow.restored']));
  });

  it('archiving with {"running": "cancel"} cancels the runs in progress and their waits', async () => {
    const flowId = await s.publish(waitingFlow('Never sent'), 'Cancel on archive');
    await s.customer('393335550011', 'Dora').says('price?');
    const archived = await s.admin.post(`/api/flows/${flowId}/archive`, { running: 'cancel' });
    expect(obj(archived.body)).toMatchObject({ cancelled: 1 });
    expect(await h.sql(`SELECT status, ended_reason FROM executions WHERE flow_id = $1`, [flowId])).toEqual([
      { status: 'cancelled', ended_reason: 'archived' },
    ]);
    expect(await h.count('waits', `status = 'waiting' AND execution_id IN (SELECT id FROM executions WHERE flow_id = $1)`, [flowId])).toBe(
      0,
    );
    expect((await s.admin.post(`/api/flows/${flowId}/archive`, { running: 'later' })).status).toBe(400);
  });

  it('deletes a flow that never ran; one that was published, tested or run can only be archived', async () => {
    const empty = str(obj((await s.admin.post('/api/flows', { name: 'Untitled flow' })).body)['id']);
    expect(await listed(empty)).toMatchObject({ deletable: true });
    const deleted = await s.admin.request('DELETE', `/api/flows/${empty}`);
    expect(deleted.status).toBe(204);
    expect((await s.admin.get(`/api/flows/${empty}`)).status).toBe(404);
    expect(await h.count('audit_log', `action = 'flow.deleted' AND subject_id = $1`, [empty])).toBe(1);

    const tested = str(obj((await s.admin.post('/api/flows', { name: 'Tried once', definition: priceReplyFlow() })).body)['id']);
    const run = await s.admin.post(`/api/flows/${tested}/test-runs`, {
      customer: { waId: '393335550021' },
      event: { type: 'message.received', payload: { text: 'price?' } },
    });
    expect(run.status).toBe(201);
    await h.settle();
    const published = await s.publish(priceReplyFlow('Live'), 'Published once');
    for (const id of [tested, published]) {
      expect(await listed(id)).toMatchObject({ deletable: false });
      const refused = await s.admin.request('DELETE', `/api/flows/${id}`);
      expect(refused.status).toBe(409);
      expect(obj(refused.body)).toMatchObject({ code: 'flow_has_history', message: expect.stringMatching(/archive it instead/) });
      expect((await s.admin.get(`/api/flows/${id}`)).status).toBe(200);
    }

    const support = await s.workspace.user('support');
    const other = str(obj((await s.admin.post('/api/flows', { name: 'Not yours to delete' })).body)['id']);
    expect((await support.request('DELETE', `/api/flows/${other}`)).status).toBe(403);
    expect((await support.post(`/api/flows/${other}/archive`, {})).status).toBe(403);
    expect((await s.admin.request('DELETE', '/api/flows/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
