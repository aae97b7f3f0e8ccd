import { type RunningZohoSimulator, startZohoSimulator } from '@parley/crm-simulators';
import { z } from 'zod';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { obj, str } from '../../test-support/json';
import { callSimulator } from '../../test-support/simulator-call';
import { CrmSyncService } from './crm-sync.service';

const OAUTH = { clientId: 'zoho-client', clientSecret: 'zoho-secret', refreshToken: 'zoho-refresh' };
const simRecord = z.object({ id: z.string(), First_Name: z.string().nullable(), Modified_Time: z.string() });

/**
 * The push reads the record before writing over it. Zoho keeps Modified_Time to the second, so a person's edit made in
 * the same second as our last write to the record carries that write's time: judged by time alone it looked like our
 * own write read back and was overwritten without a conflict. The read uses versionSeen, as the pull does: the same
 * time with values other than the agreed ones is a change.
 */
describe('CRM push: a CRM edit in the second of our last write is a conflict, not overwritten', () => {
  let h: EngineHarness;
  let sim: RunningZohoSimulator;
  let connectionId: string;
  let sync: CrmSyncService;

  const zoho = async (method: string, path: string, body?: unknown) => callSimulator(sim.url, method, path, body);
  const record = async (id: string) => simRecord.parse((await zoho('GET', `/sim/records/Contacts?id=${id}`)).body);

  beforeAll(async () => {
    sim = await startZohoSimulator({ dataCentre: 'eu', oauth: { ...OAUTH, refreshTokens: [OAUTH.refreshToken] } });
    // Nothing moves by itself: no round timer, no push loop, no poll inside the test; each step is run by hand.
    h = await startEngineHarness({ env: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false', CRM_POLL_INTERVAL_MS: '600000' } });
    sync = h.app.get(CrmSyncService);
    const created = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'zoho',
      name: 'Local Zoho',
      settings: { accountsUrl: sim.url, module: 'Contacts' },
      secrets: OAUTH,
    });
    expect(created.status).toBe(201);
    connectionId = str(obj(created.body)['id']);
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([(async () => h.close())(), (async () => sim.close())()]);
  });

  it('queues the conflict, the later change wins by millisecond, and both sides end with it', async () => {
    const created = await zoho('POST', '/sim/ui/Contacts', {
      fields: { First_Name: 'Giada', Last_Name: 'Neri', Mobile: '+393405556677', Email: 'giada@example.com' },
    });
    const remoteId = str(obj(created.body)['id']);
    await sync.run(connectionId, { forcePull: true });
    const [linked] = await h.sql(`SELECT contact_id, baseline FROM crm_links WHERE connection_id = $1 AND remote_id = $2`, [
      connectionId,
      remoteId,
    ]);
    expect(obj(obj(linked)['baseline'])['firstName']).toBe('Giada');
    const contactId = str(obj(linked)['contact_id']);

    // A person edits the record in Zoho's screen...
    await zoho('PATCH', `/sim/ui/Contacts/${remoteId}`, { fields: { First_Name: 'Zoho-Giada' } });
    const edited = await record(remoteId);
    expect(edited.First_Name).toBe('Zoho-Giada');
    // ...in the same second as our last write to it: the link holds that second and the values agreed then. (Placing
    // the link there, rather than racing a real write into the second, keeps the case certain on a loaded machine.)
    await h.dataSource.query(`UPDATE crm_links SET remote_modified_at = $3 WHERE connection_id = $1 AND remote_id = $2`, [
      connectionId,
      remoteId,
      new Date(edited.Modified_Time),
    ]);
    // Then Parley changes the same field, later by the clock, so Parley's value wins.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await h.workspace.admin.request('PATCH', `/api/contacts/${contactId}`, { firstName: 'Parley-Giada' });
    const pending = await h.count('crm_outbox', `connection_id = $1 AND status = 'pending'`, [connectionId]);
    expect(pending).toBeGreaterThan(0);

    // The push alone: the round does not poll (its interval is 10 minutes and the last poll was just now).
    await sync.run(connectionId);
    expect(await h.count('crm_outbox', `connection_id = $1 AND status IN ('pending', 'running')`, [connectionId])).toBe(0);

    const conflicts = await h.sql(`SELECT field, local_value, remote_value, winner FROM crm_conflicts WHERE connection_id = $1`, [
      connectionId,
    ]);
    expect(conflicts).toEqual([{ field: 'firstName', local_value: 'Parley-Giada', remote_value: 'Zoho-Giada', winner: 'local' }]);
    expect((await record(remoteId)).First_Name).toBe('Parley-Giada');
    const [contact] = await h.sql(`SELECT first_name FROM contacts WHERE id = $1`, [contactId]);
    expect(contact).toEqual({ first_name: 'Parley-Giada' });
  }, 60_000);
});
