import { type RunningHubSpotSimulator, startHubSpotSimulator } from '@parley/crm-simulators';
import { z } from 'zod';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { obj, str } from '../../test-support/json';
import { callSimulator } from '../../test-support/simulator-call';

const TOKEN = 'pat-batched-push';
const simRecord = z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()) });
const simRecords = z.object({ results: z.array(simRecord) }).or(z.array(simRecord));
const callsAnswer = z.object({ calls: z.array(z.object({ method: z.string(), path: z.string(), status: z.number() })) });

/** Parley → CRM through HubSpot's batch write: one call for many changes, a refused record to compensation alone. */
describe('batched push of field changes to the local HubSpot', () => {
  let h: EngineHarness;
  let sim: RunningHubSpotSimulator;
  let connectionId: string;

  const hubspot = async (method: string, path: string, body?: unknown): Promise<unknown> =>
    (await callSimulator(sim.url, method, path, body)).body;
  const remoteContacts = async () => {
    const parsed = simRecords.parse(await hubspot('GET', '/sim/records/contacts'));
    return Array.isArray(parsed) ? parsed : parsed.results;
  };
  /** The writes the sync made to HubSpot (its reads — list, search, the push's look before writing — are left out). */
  const writes = async () =>
    callsAnswer
      .parse(await hubspot('GET', '/sim/calls?limit=10000'))
      .calls.filter(
        (c) => !c.path.startsWith('/sim') && c.method !== 'GET' && !c.path.endsWith('/search') && !c.path.endsWith('/batch/read'),
      );
  const syncNow = async () => {
    const response = await h.workspace.admin.post(`/api/crm/connections/${connectionId}/sync`);
    expect(response.status).toBe(200);
    return obj(response.body);
  };

  beforeAll(async () => {
    sim = await startHubSpotSimulator({ privateAppTokens: [TOKEN], searchLagMs: 0 });
    h = await startEngineHarness({
      env: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false', CRM_POLL_INTERVAL_MS: '600000', CRM_OUTBOX_LEASE_MS: '60000' },
    });
    const created = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'hubspot',
      name: 'Local HubSpot',
      settings: { baseUrl: sim.url, searchLagMs: 0 },
      secrets: { privateAppToken: TOKEN },
      maxAttempts: 1,
    });
    expect(created.status).toBe(201);
    connectionId = str(obj(created.body)['id']);
  });
  afterAll(async () => {
    await Promise.allSettled([(async () => h.close())(), (async () => sim.close())()]);
  });

  it('sends 120 linked changes in two batch calls, fails the deleted record alone, and sends nothing twice', async () => {
    await hubspot('POST', '/sim/generate', { count: 120, countryCode: '39' });
    expect(await syncNow()).toMatchObject({ pulled: 120 });
    expect(await h.count('crm_links', 'connection_id = $1', [connectionId])).toBe(120);
    const remote = await remoteContacts();
    const gone = remote[7];
    if (!gone) throw new Error('not generated');
    // A person deletes one record in HubSpot before our change reaches it.
    await hubspot('DELETE', `/sim/ui/contacts/${gone.id}`);
    await h.dataSource.query(
      `UPDATE contacts SET last_name = 'Batched-' || right(phone_e164, 4) WHERE workspace_id = $1 AND phone_e164 IS NOT NULL`,
      [h.workspace.id],
    );
    expect(await h.count('crm_outbox', `connection_id = $1 AND status = 'pending'`, [connectionId])).toBe(120);
    await hubspot('DELETE', '/sim/calls');

    expect(await syncNow()).toMatchObject({ pushed: 119, failed: 1 });
    expect((await writes()).map((c) => c.path)).toEqual(['/crm/v3/objects/contacts/batch/update', '/crm/v3/objects/contacts/batch/update']);
    for (const record of await remoteContacts()) {
      if (record.id === gone.id) continue;
      expect(record.properties['lastname']).toBe(`Batched-${str(record.properties['phone']).slice(-4)}`);
    }
    const [failed] = await h.sql(`SELECT status, last_error FROM crm_outbox WHERE connection_id = $1 AND status <> 'done'`, [connectionId]);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(str(failed?.['last_error'])).toMatch(/not_found/);
    expect(await h.count('crm_outbox', `connection_id = $1 AND status = 'done'`, [connectionId])).toBe(119);
    // The links hold what both sides now agree on: the next pull sees no change to send back.
    const [link] = await h.sql(
      `SELECT l.baseline->>'lastName' AS last_name, c.last_name AS contact_last_name
         FROM crm_links l JOIN contacts c ON c.id = l.contact_id WHERE l.connection_id = $1 AND l.remote_id = $2`,
      [connectionId, remote[0]?.id],
    );
    expect(link?.['last_name']).toBe(link?.['contact_last_name']);
    const health = obj((await h.workspace.admin.get(`/api/crm/connections/${connectionId}/health`)).body);
    expect(JSON.stringify(health)).toMatch(/not_found/);

    // Nothing is sent again.
    await hubspot('DELETE', '/sim/calls');
    expect(await syncNow()).toMatchObject({ pushed: 0, failed: 0 });
    expect(await writes()).toHaveLength(0);
  });
});
