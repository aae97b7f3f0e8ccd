import { type RunningHubSpotSimulator, startHubSpotSimulator } from '@parley/crm-simulators';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { arr, obj, str } from '../../test-support/json';
import { CrmSyncService } from './crm-sync.service';
import { nextBatchAt } from './nightly-batch-time';
import { callSimulator } from '../../test-support/simulator-call';

const TOKEN = 'pat-nightly-batch-test';

/** The nightly batch and the health notification, through the real engine and the local HubSpot. */
describe('CRM nightly batch and health notification', () => {
  let h: EngineHarness;
  let sim: RunningHubSpotSimulator;
  let connectionId: string;

  const control = async (method: string, path: string, body?: unknown) => (await callSimulator(sim.url, method, path, body)).status;
  const batchState = async () =>
    (await h.sql(`SELECT batch_cursor, batch_next_at, batch_started_at FROM crm_connections WHERE id = $1`, [connectionId]))[0];
  const contacts = () => h.count('contacts', 'workspace_id = $1', [h.workspace.id]);

  beforeAll(async () => {
    sim = await startHubSpotSimulator({ privateAppTokens: [TOKEN], searchLagMs: 0 });
    // The real-time poll is made rare so that only the batch reads the CRM here.
    h = await startEngineHarness({ env: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false', CRM_POLL_INTERVAL_MS: '600000' } });
    await h.dataSource.query(`UPDATE workspaces SET settings = settings || '{"timeZone": "Europe/Rome"}' WHERE id = $1`, [h.workspace.id]);
    const created = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'hubspot',
      name: 'Local HubSpot',
      settings: { baseUrl: sim.url, searchLagMs: 0 },
      secrets: { privateAppToken: TOKEN },
    });
    expect(created.status).toBe(201);
    connectionId = str(obj(created.body)['id']);
    await control('POST', '/sim/generate', { count: 3, countryCode: '39' });
    expect((await h.workspace.admin.post(`/api/crm/connections/${connectionId}/sync`)).status).toBe(200);
  });
  afterAll(async () => {
    await Promise.allSettled([(async () => h.close())(), (async () => sim.close())()]);
  });

  it('schedules the batch at 02:00 in the workspace zone, reads what the real-time path missed, and resumes after a crash', async () => {
    const sync = h.app.get(CrmSyncService);
    await sync.run(connectionId);
    const scheduled = await batchState();
    expect(scheduled?.['batch_cursor']).toBeNull();
    const due = scheduled?.['batch_next_at'];
    if (!(due instanceof Date)) throw new Error('no batch scheduled');
    expect(due.getTime()).toBe(nextBatchAt(Date.now() - 60_000, 'Europe/Rome', '02:00').getTime());

    // The real-time cursor is pushed past now, as if its polls and webhooks had missed what follows.
    await h.dataSource.query(`UPDATE crm_connections SET cursor = $2 WHERE id = $1`, [
      connectionId,
      JSON.stringify({ phase: 'incremental', since: Date.now() + 3_600_000 }),
    ]);
    const before = await contacts();
    await control('POST', '/sim/generate', { count: 250, countryCode: '48' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Not due yet: nothing is read.
    await sync.run(connectionId);
    expect(await contacts()).toBe(before);

    // 02:00 has come: one page (200) is read, then the worker "dies" (the run stops with the batch's cursor stored).
    await h.dataSource.query(`UPDATE crm_connections SET batch_next_at = now() - interval '1 second' WHERE id = $1`, [connectionId]);
    expect(await sync.run(connectionId, { maxPages: 1 })).toMatchObject({ pulled: 200 });
    // The batch reads a day back, oldest first: the 3 contacts of the initial import (no-ops), then 197 new ones, of which
    // the generator gives a few a number another one has (matched to that contact, not created).
    const midwayContacts = await contacts();
    expect(midwayContacts).toBeGreaterThan(before + 180);
    const midway = await batchState();
    expect(obj(midway?.['batch_cursor'])).toMatchObject({ phase: 'incremental', after: '200' });

    // The next run resumes from that cursor and finishes; the next batch is tomorrow's 02:00.
    expect(await sync.run(connectionId)).toMatchObject({ pulled: 53 });
    expect(await contacts()).toBeGreaterThan(midwayContacts + 45);
    // Every record the batch read is linked to a contact: nothing was lost between the two runs.
    expect(await h.count('crm_links', 'connection_id = $1', [connectionId])).toBeGreaterThan(240);
    const done = await batchState();
    expect(done?.['batch_cursor']).toBeNull();
    const next = done?.['batch_next_at'];
    if (!(next instanceof Date)) throw new Error('no next batch');
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime()).toBe(nextBatchAt(Date.now() - 60_000, 'Europe/Rome', '02:00').getTime());
    expect(await h.count('crm_calls', `connection_id = $1 AND mode = 'batch' AND ok`, [connectionId])).toBeGreaterThanOrEqual(2);
  });

  it('notifies the admins once when real-time health is below 99 %, not again within 6 hours', async () => {
    const sync = h.app.get(CrmSyncService);
    const notes = () => h.count('notifications', `workspace_id = $1 AND kind = 'crm.health'`, [h.workspace.id]);
    await sync.run(connectionId);
    expect(await notes()).toBe(0);
    // 5 failures among 30 real-time calls in the last day: 83 %.
    await h.dataSource.query(
      `INSERT INTO crm_calls (connection_id, mode, ok, error) SELECT $1, 'realtime', n > 5, CASE WHEN n <= 5 THEN 'unavailable: HubSpot 503' END
         FROM generate_series(1, 30) n`,
      [connectionId],
    );
    await sync.run(connectionId);
    expect(await notes()).toBeGreaterThanOrEqual(1);
    const [note] = await h.sql(
      `SELECT title, body, subject_id FROM notifications WHERE kind = 'crm.health' AND workspace_id = $1 LIMIT 1`,
      [h.workspace.id],
    );
    expect(note).toMatchObject({ title: 'CRM sync below goal: Local HubSpot', subject_id: connectionId });
    expect(str(note?.['body'])).toMatch(/Real-time sync: .* of \d+ calls succeeded in 24 h \(goal 99\.0 %\)/);
    const sent = await notes();
    await sync.run(connectionId);
    expect(await notes()).toBe(sent);
  });
  it("lets an admin move the batch to another time of day (bad input changes nothing, others may not), and shows HubSpot's webhook path", async () => {
    const path = `/api/crm/connections/${connectionId}`;
    const listed = obj(arr(obj((await h.workspace.admin.get('/api/crm/connections')).body)['data'])[0]);
    expect(listed).toMatchObject({ batchAt: '02:00', webhookPath: `/webhooks/hubspot/${connectionId}` });
    const before = await h.sql(`SELECT batch_at, batch_next_at, updated_at FROM crm_connections WHERE id = $1`, [connectionId]);
    for (const body of [{ batchAt: '24:00' }, { batchAt: '2:00' }, { batchAt: '03:00', extra: 1 }, {}]) {
      const refused = await h.workspace.admin.request('PATCH', path, body);
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toMatch(/batchAt|extra/);
    }
    // Only Salesforce reads its changes by polling alone: a HubSpot connection takes no poll interval.
    const noInterval = await h.workspace.admin.request('PATCH', path, { pollIntervalMs: 1500 });
    expect(noInterval.status).toBe(400);
    expect(JSON.stringify(noInterval.body)).toContain('pollIntervalMs');
    const marketer = await h.workspace.user('marketer');
    expect((await marketer.request('PATCH', path, { batchAt: '03:30' })).status).toBe(403);
    expect(await h.sql(`SELECT batch_at, batch_next_at, updated_at FROM crm_connections WHERE id = $1`, [connectionId])).toEqual(before);

    const moved = await h.workspace.admin.request('PATCH', path, { batchAt: '03:30' });
    expect(moved.status).toBe(200);
    expect(obj(moved.body)).toMatchObject({ batchAt: '03:30', nextBatchAt: null });
    const [audit] = await h.sql(`SELECT details FROM audit_log WHERE action = 'crm.connection_updated' AND subject_id = $1`, [
      connectionId,
    ]);
    expect(obj(audit?.['details'])).toEqual({ changes: { batchAt: { from: '02:00', to: '03:30' } } });
    // The next round schedules it at the new time.
    await h.app.get(CrmSyncService).run(connectionId);
    const due = (await batchState())?.['batch_next_at'];
    if (!(due instanceof Date)) throw new Error('no batch scheduled');
    expect(due.getTime()).toBe(nextBatchAt(Date.now() - 60_000, 'Europe/Rome', '03:30').getTime());
  });
});
