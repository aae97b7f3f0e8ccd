import { type RunningHubSpotSimulator, startHubSpotSimulator } from '@parley/crm-simulators';
import { z } from 'zod';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { obj, str } from '../../test-support/json';
import { callSimulator } from '../../test-support/simulator-call';
import { CrmPushLoop } from './crm-push-loop.service';

const TOKEN = 'pat-push-loop';
const simRecord = z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()) });
const simRecords = z.object({ results: z.array(simRecord) }).or(z.array(simRecord));

/**
 * The outbox push on its own loop: a queued change wakes it (LISTEN/NOTIFY),
 * with no sync round at all — the round's timer is 5 minutes and polling 10
 * here, so nothing else can move a change within the test.
 */
describe('CRM push loop woken by queued changes', () => {
  let h: EngineHarness;
  let sim: RunningHubSpotSimulator;
  let connectionId: string;
  let loop: CrmPushLoop;

  const hubspot = async (method: string, path: string, body?: unknown): Promise<unknown> =>
    (await callSimulator(sim.url, method, path, body)).body;
  const remoteContacts = async () => {
    const parsed = simRecords.parse(await hubspot('GET', '/sim/records/contacts'));
    return Array.isArray(parsed) ? parsed : parsed.results;
  };
  const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
    const until = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const outboxLeft = async () => h.count('crm_outbox', `connection_id = $1 AND status IN ('pending', 'running')`, [connectionId]);

  beforeAll(async () => {
    sim = await startHubSpotSimulator({ privateAppTokens: [TOKEN], searchLagMs: 0 });
    h = await startEngineHarness({ env: { CRM_SYNC_INTERVAL_MS: '300000', CRM_POLL_INTERVAL_MS: '600000', CRM_OUTBOX_LEASE_MS: '60000' } });
    loop = h.app.get(CrmPushLoop);
    await waitFor('the outbox listener', async () => loop.listening());
    const created = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'hubspot',
      name: 'Local HubSpot',
      settings: { baseUrl: sim.url, searchLagMs: 0 },
      secrets: { privateAppToken: TOKEN },
    });
    expect(created.status).toBe(201);
    connectionId = str(obj(created.body)['id']);
  });
  afterAll(async () => {
    await Promise.allSettled([(async () => h.close())(), (async () => sim.close())()]);
  });

  it('pushes a new contact and then each change as it is queued, without a sync round', async () => {
    await h.dataSource.query(
      `INSERT INTO contacts (workspace_id, phone_e164, first_name, last_name, email) VALUES ($1, '+393405550001', 'Nora', 'Loop', 'nora@example.com')`,
      [h.workspace.id],
    );
    await waitFor('the contact in HubSpot', async () => (await remoteContacts()).some((r) => r.properties['phone'] === '+393405550001'));
    await waitFor('the outbox drained', async () => (await outboxLeft()) === 0);

    await h.dataSource.query(`UPDATE contacts SET email = 'nora.loop@example.com' WHERE phone_e164 = '+393405550001'`);
    await waitFor('the email in HubSpot', async () =>
      (await remoteContacts()).some((r) => r.properties['email'] === 'nora.loop@example.com'),
    );
    // The CRM has the write a moment before the outbox row is marked done.
    await waitFor('the outbox drained', async () => (await outboxLeft()) === 0);

    // No round ran: the connection was never polled, so only the loop can have pushed.
    const [connection] = await h.sql(`SELECT last_poll_at FROM crm_connections WHERE id = $1`, [connectionId]);
    expect(connection).toEqual({ last_poll_at: null });
    const done = await h.sql(`SELECT status, attempts FROM crm_outbox WHERE connection_id = $1 ORDER BY id`, [connectionId]);
    expect(done).toEqual([
      { status: 'done', attempts: 1 },
      { status: 'done', attempts: 1 },
    ]);
    expect(await remoteContacts()).toHaveLength(1);
  });

  it('sends 60 contacts and 120 changes queued at once exactly once each, in order per contact', async () => {
    await h.dataSource.query(
      `INSERT INTO contacts (workspace_id, phone_e164, first_name, last_name)
       SELECT $1, '+39340600' || lpad(i::text, 4, '0'), 'Many', 'Before' FROM generate_series(1, 60) AS i`,
      [h.workspace.id],
    );
    await waitFor('60 contacts in HubSpot', async () => (await remoteContacts()).length === 61, 30_000);
    await waitFor('the outbox drained', async () => (await outboxLeft()) === 0, 30_000);
    // Two changes per contact, in two transactions: the second must land last.
    await h.dataSource.query(`UPDATE contacts SET last_name = 'First' WHERE first_name = 'Many'`);
    await h.dataSource.query(`UPDATE contacts SET last_name = 'Second-' || right(phone_e164, 4) WHERE first_name = 'Many'`);
    await waitFor('the outbox drained', async () => (await outboxLeft()) === 0, 30_000);
    const many = (await remoteContacts()).filter((r) => r.properties['firstname'] === 'Many');
    expect(many).toHaveLength(60);
    for (const record of many) expect(record.properties['lastname']).toBe(`Second-${str(record.properties['phone']).slice(-4)}`);
    const attempts = await h.sql(`SELECT status, attempts, count(*)::int AS n FROM crm_outbox WHERE connection_id = $1 GROUP BY 1, 2`, [
      connectionId,
    ]);
    expect(attempts).toEqual([{ status: 'done', attempts: 1, n: 182 }]);
  });

  it('reads the record before writing over it: a CRM change since the last agreement is a conflict, the later one wins', async () => {
    const [link] = await h.sql(
      `SELECT l.remote_id FROM crm_links l JOIN contacts c ON c.id = l.contact_id WHERE c.phone_e164 = '+393405550001'`,
    );
    const remoteId = str(link?.['remote_id']);
    // The loop is held so both changes wait: Parley's first, then HubSpot's (later, so it wins).
    await loop.stop();
    await h.dataSource.query(`UPDATE contacts SET first_name = 'Parley-Nora' WHERE phone_e164 = '+393405550001'`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await hubspot('PATCH', `/sim/ui/contacts/${remoteId}`, { properties: { firstname: 'Crm-Nora' } });
    loop.start();
    await waitFor('the outbox drained', async () => (await outboxLeft()) === 0);
    const [contact] = await h.sql(`SELECT first_name FROM contacts WHERE phone_e164 = '+393405550001'`);
    expect(contact).toEqual({ first_name: 'Crm-Nora' });
    expect((await remoteContacts()).find((r) => r.id === remoteId)?.properties['firstname']).toBe('Crm-Nora');
    const conflicts = await h.sql(`SELECT field, local_value, remote_value, winner FROM crm_conflicts WHERE connection_id = $1`, [
      connectionId,
    ]);
    expect(conflicts).toEqual([{ field: 'firstName', local_value: 'Parley-Nora', remote_value: 'Crm-Nora', winner: 'remote' }]);
  });
});
