import { type RunningSalesforceSimulator, startSalesforceSimulator } from '@parley/crm-simulators';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { obj, str } from '../../test-support/json';
import { callSimulator } from '../../test-support/simulator-call';

const OAUTH = { clientId: 'sf-client', clientSecret: 'sf-secret', refreshToken: 'sf-refresh' };

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Salesforce's changes arrive by polling alone here: a connection may poll at its own interval
 * (`settings.pollIntervalMs`) instead of CRM_POLL_INTERVAL_MS, so its CRM → Parley lag can be bounded without every
 * connection of the installation polling that often.
 */
describe('CRM: a Salesforce connection polls at its own interval', () => {
  let h: EngineHarness;
  let sim: RunningSalesforceSimulator;

  beforeAll(async () => {
    sim = await startSalesforceSimulator({ oauth: { ...OAUTH, refreshTokens: [OAUTH.refreshToken] } });
    // Rounds every 200 ms, but the installation's poll only every 10 minutes.
    h = await startEngineHarness({ env: { CRM_SYNC_INTERVAL_MS: '200', CRM_POLL_INTERVAL_MS: '600000' } });
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([(async () => h.close())(), (async () => sim.close())()]);
  });

  it('refuses an interval under 500 ms, naming the field, and stores nothing', async () => {
    const refused = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'salesforce',
      name: 'Too fast',
      settings: { loginUrl: sim.url, pollIntervalMs: 100 },
      secrets: OAUTH,
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('pollIntervalMs');
    expect(await h.sql(`SELECT id FROM crm_connections`)).toEqual([]);
  });

  it('reads a Salesforce edit within about its own interval, not the installation one', async () => {
    const created = await callSimulator(sim.url, 'POST', '/sim/ui/Contact', {
      fields: { FirstName: 'Paola', LastName: 'Conti', MobilePhone: '+393407770001', Email: 'paola@example.com' },
    });
    const remoteId = str(obj(created.body)['Id']);
    const connection = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'salesforce',
      name: 'Salesforce',
      settings: { loginUrl: sim.url, pollIntervalMs: 500 },
      secrets: OAUTH,
    });
    expect(connection.status).toBe(201);
    // The first round reads the contact (a new connection polls at once).
    await waitFor(
      'the contact read from Salesforce',
      async () => (await h.sql(`SELECT id FROM contacts WHERE first_name = 'Paola'`)).length === 1,
    );
    const editedAt = Date.now();
    expect(
      (await callSimulator(sim.url, 'PATCH', `/sim/ui/Contact/${remoteId}`, { fields: { FirstName: 'Paolina' } })).status,
    ).toBeLessThan(300);
    // With the installation's 10 minutes alone it would not arrive in this test's time.
    await waitFor(
      'the Salesforce edit in Parley',
      async () => (await h.sql(`SELECT id FROM contacts WHERE first_name = 'Paolina'`)).length === 1,
    );
    expect(Date.now() - editedAt).toBeLessThan(10_000);
  }, 60_000);

  it('changes only the poll interval by PATCH, shows the installation default, and goes back to it with null', async () => {
    const [connection] = await h.sql(`SELECT id, batch_at, settings FROM crm_connections`);
    const id = str(obj(connection)['id']);
    const settingsBefore = obj(obj(connection)['settings']);

    const tooFast = await h.workspace.admin.request('PATCH', `/api/crm/connections/${id}`, { pollIntervalMs: 100 });
    expect(tooFast.status).toBe(400);
    expect(JSON.stringify(tooFast.body)).toContain('pollIntervalMs');
    expect(obj((await h.sql(`SELECT settings FROM crm_connections`))[0])['settings']).toEqual(settingsBefore);

    const saved = await h.workspace.admin.request('PATCH', `/api/crm/connections/${id}`, { pollIntervalMs: 1500 });
    expect(saved.status).toBe(200);
    expect(obj(saved.body)['pollIntervalMs']).toBe(1500);
    expect(obj(saved.body)['defaultPollIntervalMs']).toBe(600_000);
    const [after] = await h.sql(`SELECT batch_at, settings FROM crm_connections WHERE id = $1`, [id]);
    // The rest of the settings and the batch time are as they were.
    expect(obj(after)['settings']).toEqual({ ...settingsBefore, pollIntervalMs: 1500 });
    expect(obj(after)['batch_at']).toBe(obj(connection)['batch_at']);
    const audit = await h.sql(
      `SELECT details FROM audit_log WHERE action = 'crm.connection_updated' AND subject_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [id],
    );
    expect(obj(audit[0])['details']).toEqual({ changes: { pollIntervalMs: { from: 500, to: 1500 } } });

    const reset = await h.workspace.admin.request('PATCH', `/api/crm/connections/${id}`, { pollIntervalMs: null });
    expect(reset.status).toBe(200);
    expect(obj(reset.body)['pollIntervalMs']).toBeNull();
    const { pollIntervalMs: _dropped, ...rest } = settingsBefore;
    expect(obj((await h.sql(`SELECT settings FROM crm_connections`))[0])['settings']).toEqual(rest);
    expect(_dropped).toBe(500);

    const empty = await h.workspace.admin.request('PATCH', `/api/crm/connections/${id}`, {});
    expect(empty.status).toBe(400);
  }, 60_000);
});
