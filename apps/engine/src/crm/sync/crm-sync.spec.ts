import { type RunningHubSpotSimulator, startHubSpotSimulator } from '@parley/crm-simulators';
import { z } from 'zod';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { arr, obj, str } from '../../test-support/json';
import { EngineMetrics } from '../../metrics/engine-metrics';
import { CrmConnectionsService } from '../connections/crm-connections.service';
import { CrmOutboxService } from './crm-outbox.service';
import { CrmSyncService } from './crm-sync.service';
import { callSimulator } from '../../test-support/simulator-call';

const TOKEN = 'pat-sync-test';
const simRecord = z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()) });
const simRecords = z.object({ results: z.array(simRecord) }).or(z.array(simRecord));

/** Two-way sync through the real engine (PostgreSQL, HTTP) and the local HubSpot. */
describe('CRM two-way sync with the local HubSpot', () => {
  let h: EngineHarness;
  let sim: RunningHubSpotSimulator;
  let connectionId: string;

  const hubspot = async (method: string, path: string, body?: unknown): Promise<unknown> =>
    (await callSimulator(sim.url, method, path, body)).body;
  const remoteContacts = async () => {
    const parsed = simRecords.parse(await hubspot('GET', '/sim/records/contacts'));
    return Array.isArray(parsed) ? parsed : parsed.results;
  };
  /** Writes made by "anyone" (not the sync): the contacts trigger files them in the outbox. */
  const exec = async (query: string, parameters: unknown[] = []): Promise<void> => {
    await h.dataSource.query(query, parameters);
  };
  const syncNow = async () => {
    const response = await h.workspace.admin.post(`/api/crm/connections/${connectionId}/sync`);
    expect(response.status).toBe(200);
    return obj(response.body);
  };
  const contactByPhone = async (phone: string) => {
    const [row] = await h.sql(`SELECT id, first_name, last_name, email FROM contacts WHERE phone_e164 = $1 AND workspace_id = $2`, [
      phone,
      h.workspace.id,
    ]);
    return row;
  };

  beforeAll(async () => {
    sim = await startHubSpotSimulator({ privateAppTokens: [TOKEN], searchLagMs: 0 });
    h = await startEngineHarness({
      env: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false', CRM_POLL_INTERVAL_MS: '100', CRM_OUTBOX_LEASE_MS: '60000' },
    });
  });
  afterAll(async () => {
    // Both close even when the other failed to start, so a broken setup does not leave the run hanging.
    await Promise.allSettled([(async () => h.close())(), (async () => sim.close())()]);
  });

  it('lets an admin connect HubSpot with sealed secrets that are never returned, and test the connection', async () => {
    const bad = await h.workspace.admin.post('/api/crm/connections', { provider: 'hubspot', name: 'x', secrets: { privateAppToken: '' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/secrets/);
    const marketer = await h.workspace.user('marketer');
    expect(
      (await marketer.post('/api/crm/connections', { provider: 'hubspot', name: 'x', secrets: { privateAppToken: TOKEN } })).status,
    ).toBe(403);

    const created = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'hubspot',
      name: 'Local HubSpot',
      settings: { baseUrl: sim.url, searchLagMs: 0 },
      secrets: { privateAppToken: TOKEN },
    });
    expect(created.status).toBe(201);
    connectionId = str(obj(created.body)['id']);
    const listed = JSON.stringify((await h.workspace.admin.get('/api/crm/connections')).body);
    expect(listed).toContain('privateAppToken');
    expect(listed).not.toContain(TOKEN);
    const [stored] = await h.sql(`SELECT secrets_enc FROM crm_connections WHERE id = $1`, [connectionId]);
    expect(str(stored?.['secrets_enc'])).not.toContain(TOKEN);
    expect(obj((await h.workspace.admin.post(`/api/crm/connections/${connectionId}/test`)).body)).toMatchObject({ ok: true, error: null });
    const again = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'hubspot',
      name: 'Second',
      secrets: { privateAppToken: TOKEN },
    });
    expect(again.status).toBe(409);
  });

  it('reads the CRM’s contacts into Parley, and a change on either side reaches the other without echo', async () => {
    await hubspot('POST', '/sim/generate', { count: 3, countryCode: '39' });
    const result = await syncNow();
    expect(result).toMatchObject({ ran: true, pulled: 3 });
    const remote = await remoteContacts();
    const first = remote[0];
    if (!first) throw new Error('no contact generated');
    const phone = str(first.properties['phone']);
    const local = await contactByPhone(phone);
    expect(local).toMatchObject({ first_name: first.properties['firstname'], last_name: first.properties['lastname'] });
    expect(await h.count('crm_links', 'connection_id = $1', [connectionId])).toBe(3);
    // Writes made by the sync are not sent back.
    expect(await h.count('crm_outbox', 'connection_id = $1', [connectionId])).toBe(0);

    // Parley -> HubSpot: any writer of contacts (here SQL) puts the change in the outbox.
    await exec(`UPDATE contacts SET last_name = 'Parleyside' WHERE id = $1`, [local?.['id']]);
    expect(await h.count('crm_outbox', `connection_id = $1 AND status = 'pending'`, [connectionId])).toBe(1);
    expect(await syncNow()).toMatchObject({ pushed: 1, failed: 0 });
    expect((await remoteContacts()).find((c) => c.id === first.id)?.properties['lastname']).toBe('Parleyside');

    // HubSpot -> Parley: a change in HubSpot's own screens.
    await hubspot('PATCH', `/sim/ui/contacts/${first.id}`, { properties: { firstname: 'Crmside' } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await syncNow()).toMatchObject({ pushed: 0 });
    expect(await contactByPhone(phone)).toMatchObject({ first_name: 'Crmside', last_name: 'Parleyside' });
    expect(await h.count('crm_outbox', `connection_id = $1 AND status <> 'done'`, [connectionId])).toBe(0);

    // What an operator watches: syncs by direction and outcome, and the lag of each change (/metrics).
    const exposed = await h.app.get(EngineMetrics).registry.metrics();
    /** The sum of a series' samples whose labels include all of `labels` (the process role label comes too). */
    const sample = (name: string, labels: string[]) =>
      exposed
        .split('\n')
        .filter((line) => line.startsWith(`${name}{`) && labels.every((l) => line.includes(l)))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    expect(sample('parley_crm_sync_total', ['crm="hubspot"', 'direction="pull"', 'outcome="succeeded"'])).toBeGreaterThanOrEqual(4);
    expect(sample('parley_crm_sync_total', ['crm="hubspot"', 'direction="push"', 'outcome="succeeded"'])).toBeGreaterThanOrEqual(1);
    expect(sample('parley_crm_sync_lag_seconds_count', ['crm="hubspot"', 'direction="push"'])).toBeGreaterThanOrEqual(1);
    expect(sample('parley_crm_sync_lag_seconds_count', ['crm="hubspot"', 'direction="pull"'])).toBeGreaterThanOrEqual(1);
  });

  it('creates a new Parley contact in HubSpot once', async () => {
    await h.sql(
      `INSERT INTO contacts (workspace_id, wa_id, phone_e164, first_name, last_name) VALUES ($1, '393471234567', '+393471234567', 'Nuova', 'Cliente')`,
      [h.workspace.id],
    );
    expect(await syncNow()).toMatchObject({ pushed: 1 });
    expect(await syncNow()).toMatchObject({ pushed: 0 });
    const made = (await remoteContacts()).filter((c) => c.properties['phone'] === '+393471234567');
    expect(made).toHaveLength(1);
    expect(made[0]?.properties['firstname']).toBe('Nuova');
  });

  it('resolves a field changed on both sides to the later change and queues the conflict; a person decides, audited', async () => {
    const remote = (await remoteContacts())[1];
    if (!remote) throw new Error('no second contact');
    const phone = str(remote.properties['phone']);
    const local = await contactByPhone(phone);
    // Parley first, HubSpot a few ms later: HubSpot's value is the latest.
    await exec(`UPDATE contacts SET email = 'parley-side@example.com' WHERE id = $1`, [local?.['id']]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await hubspot('PATCH', `/sim/ui/contacts/${remote.id}`, { properties: { email: 'crm-side@example.com' } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await syncNow()).toMatchObject({ conflicts: 1, pushed: 0 });
    expect(await contactByPhone(phone)).toMatchObject({ email: 'crm-side@example.com' });
    expect((await remoteContacts()).find((c) => c.id === remote.id)?.properties['email']).toBe('crm-side@example.com');

    const queue = await h.workspace.admin.get('/api/crm/conflicts');
    const [conflict] = arr(obj(queue.body)['data']).map(obj);
    expect(conflict).toMatchObject({
      field: 'email',
      winner: 'remote',
      status: 'open',
      local: { value: 'parley-side@example.com', source: 'parley' },
      remote: { value: 'crm-side@example.com', source: 'hubspot' },
    });
    const conflictId = str(conflict?.['id']);
    expect((await h.workspace.admin.post(`/api/crm/conflicts/${conflictId}/resolve`, { decision: 'edit' })).status).toBe(400);
    const resolved = await h.workspace.admin.post(`/api/crm/conflicts/${conflictId}/resolve`, { decision: 'local' });
    expect(resolved.status).toBe(200);
    expect(obj(resolved.body)).toMatchObject({ status: 'accepted_local', resolvedValue: 'parley-side@example.com' });
    expect((await h.workspace.admin.post(`/api/crm/conflicts/${conflictId}/resolve`, { decision: 'remote' })).status).toBe(409);
    expect(await h.count('audit_log', `action = 'crm.conflict_resolved'`)).toBe(1);
    // The chosen value goes to HubSpot like any edit.
    expect(await syncNow()).toMatchObject({ pushed: 1 });
    expect((await remoteContacts()).find((c) => c.id === remote.id)?.properties['email']).toBe('parley-side@example.com');
  });

  it('keeps a killed worker’s change: its claim expires, another worker finishes it, nothing is written twice', async () => {
    const outbox = h.app.get(CrmOutboxService);
    const connections = h.app.get(CrmConnectionsService);
    await h.sql(
      `INSERT INTO contacts (workspace_id, wa_id, phone_e164, first_name, last_name) VALUES ($1, '393479999001', '+393479999001', 'Killed', 'Worker')`,
      [h.workspace.id],
    );
    // Worker A claims the change, says it is about to create the record, creates it in HubSpot... and dies.
    const [claimed] = await outbox.claim(connectionId, 10, 60_000);
    if (!claimed) throw new Error('nothing claimed');
    expect(await outbox.markAttempted(claimed)).toBe(true);
    const row = await connections.rowById(connectionId);
    if (!row) throw new Error('connection gone');
    await connections.connector(row).create({ firstName: 'Killed', lastName: 'Worker', email: null, phone: '+393479999001' });
    // While its lease runs, nobody else takes it.
    expect(await outbox.claim(connectionId, 10, 60_000)).toEqual([]);
    // The lease runs out (A is gone): worker B takes it, finds the record A made instead of creating another.
    await exec(`UPDATE crm_outbox SET claimed_at = claimed_at - interval '2 minutes' WHERE id = $1`, [claimed.id]);
    const result = await h.app.get(CrmSyncService).run(connectionId);
    expect(result).toMatchObject({ pushed: 1, failed: 0 });
    expect((await remoteContacts()).filter((c) => c.properties['phone'] === '+393479999001')).toHaveLength(1);
    // A's late answer finds its claim gone and writes nothing.
    expect(await outbox.complete(claimed, 'done')).toBe(false);
    expect(await h.count('crm_outbox', `id = $1 AND status = 'done' AND attempts = 2`, [claimed.id])).toBe(1);
  });

  it('orders a contact’s changes, retries a failing change, then shows it in health for a manual retry', async () => {
    await exec(`UPDATE crm_connections SET max_attempts = 2, retry_delay_ms = 1000 WHERE id = $1`, [connectionId]);
    const remote = (await remoteContacts())[2];
    const local = await contactByPhone(str(remote?.properties['phone']));
    await exec(`UPDATE contacts SET first_name = 'One' WHERE id = $1`, [local?.['id']]);
    await exec(`UPDATE contacts SET first_name = 'Two' WHERE id = $1`, [local?.['id']]);
    // Only the first of the contact's two changes can be claimed.
    const outbox = h.app.get(CrmOutboxService);
    const claimed = await outbox.claim(connectionId, 10, 60_000);
    expect(claimed).toHaveLength(1);
    const [first] = claimed;
    if (!first) throw new Error('nothing claimed');
    expect(await outbox.fail(first, 'test', 5, 0)).toBe('retry');

    await hubspot('POST', '/sim/faults', { kind: 'outage', seconds: 600, mode: 'http' });
    expect(Number((await syncNow())['failed'])).toBeGreaterThanOrEqual(1);
    await exec(`UPDATE crm_outbox SET next_attempt_at = now() WHERE connection_id = $1 AND status = 'pending'`, [connectionId]);
    expect(Number((await syncNow())['failed'])).toBeGreaterThanOrEqual(1);
    const health = obj((await h.workspace.admin.get(`/api/crm/connections/${connectionId}/health`)).body);
    expect(obj(health['outbox'])['failed']).toBe(2);
    expect(str(health['lastError'])).toMatch(/unavailable/);
    expect(arr(health['failures'])).toHaveLength(2);

    await hubspot('DELETE', '/sim/faults');
    expect(obj((await h.workspace.admin.post(`/api/crm/connections/${connectionId}/retry`, {})).body)).toEqual({ retried: 2 });
    const after = await syncNow();
    expect(after).toMatchObject({ failed: 0 });
    expect(Number(after['pushed'])).toBeGreaterThanOrEqual(2);
    expect((await remoteContacts()).find((c) => c.id === remote?.id)?.properties['firstname']).toBe('Two');
    const healthy = obj((await h.workspace.admin.get(`/api/crm/connections/${connectionId}/health`)).body);
    expect(obj(healthy['outbox'])).toMatchObject({ pending: 0, failed: 0 });
    expect(obj(healthy['realtime'])['calls']).toBeGreaterThan(0);
  });
});
