import { type RunningZohoSimulator, startZohoSimulator } from '@parley/crm-simulators';
import { z } from 'zod';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { obj, str } from '../../test-support/json';
import { callSimulator } from '../../test-support/simulator-call';

const OAUTH = { clientId: '1000.NOTIFYCLIENT', clientSecret: 'zoho-notify-secret', refreshToken: '1000.notify-refresh' };
const simState = z.object({
  channels: z.array(z.object({ channelId: z.string(), events: z.array(z.string()), notifyUrl: z.string(), token: z.string().nullable() })),
});
const attempts = z.object({ attempts: z.array(z.object({ status: z.number().nullable() }).loose()) });

/** Zoho's notification channel against the real engine: the sync subscribes it, the local Zoho notifies, Parley applies. */
describe('Zoho CRM notifications (channel token)', () => {
  let h: EngineHarness;
  let sim: RunningZohoSimulator;
  let connectionId: string;
  let hookUrl: string;
  let recordId: string;

  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const answer = await callSimulator(sim.url, method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const firstNameOf = async (phone: string) =>
    (await h.sql(`SELECT first_name FROM contacts WHERE workspace_id = $1 AND phone_e164 = $2`, [h.workspace.id, phone]))[0]?.[
      'first_name'
    ];
  const deliver = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await startZohoSimulator({
      dataCentre: 'eu',
      oauth: { clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret, refreshTokens: [OAUTH.refreshToken] },
      notifications: { batchWindowMs: 10, retry: { attempts: 1, firstDelayMs: 10 } },
    });
    // Polling is made rare, so only a notification can bring Zoho's change in.
    h = await startEngineHarness({ env: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false', CRM_POLL_INTERVAL_MS: '600000' } });
    const seeded = z
      .object({ ids: z.array(z.string()) })
      .parse(
        await control('POST', '/sim/records/Contacts', { records: [{ First_Name: 'Lia', Last_Name: 'Rossi', Mobile: '+393471234567' }] }),
      );
    recordId = seeded.ids[0] ?? '';
    const created = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'zoho',
      name: 'Local Zoho',
      settings: { accountsUrl: sim.url, notifyBaseUrl: h.url },
      secrets: OAUTH,
    });
    expect(created.status).toBe(201);
    connectionId = str(obj(created.body)['id']);
    hookUrl = `${h.url}/webhooks/zoho/${connectionId}`;
    expect((await h.workspace.admin.post(`/api/crm/connections/${connectionId}/sync`)).status).toBe(200);
  });
  afterAll(async () => {
    await Promise.allSettled([(async () => h.close())(), (async () => sim.close())()]);
  });

  it('the sync subscribes a channel on the module with the connection’s callback and token, shown on the connection', async () => {
    const { channels } = simState.parse(await control('GET', '/sim/state'));
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ events: ['Contacts.all'], notifyUrl: hookUrl });
    expect(channels[0]?.token?.length).toBeGreaterThan(20);
    const listed = obj((await h.workspace.admin.get('/api/crm/connections')).body);
    const view = obj(z.array(z.unknown()).parse(listed['data'])[0]);
    expect(view['webhookPath']).toBe(`/webhooks/zoho/${connectionId}`);
    expect(Date.parse(str(view['notifyUntil']))).toBeGreaterThan(Date.now() + 20 * 3_600_000);
    expect(view['notifyError']).toBeNull();
    expect(await firstNameOf('+393471234567')).toBe('Lia');
    // A later round leaves a fresh channel alone (each call costs a Zoho credit): its expiry is unchanged.
    await h.sql(`WITH u AS (UPDATE crm_connections SET last_poll_at = NULL WHERE id = $1 RETURNING id) SELECT id FROM u`, [connectionId]);
    expect((await h.workspace.admin.post(`/api/crm/connections/${connectionId}/sync`)).status).toBe(200);
    const again = obj(z.array(z.unknown()).parse(obj((await h.workspace.admin.get('/api/crm/connections')).body)['data'])[0]);
    expect(again['notifyUntil']).toBe(view['notifyUntil']);
  });

  it('a change and a new contact made in Zoho arrive by notification, without a poll', async () => {
    // Zoho's times have whole seconds: the edit must fall in a later second than the import read.
    await control('POST', '/sim/clock', { advanceMs: 2000 });
    await control('PATCH', `/sim/ui/Contacts/${recordId}`, { fields: { First_Name: 'Notified' } });
    await control('POST', '/sim/ui/Contacts', { fields: { First_Name: 'Nuovo', Last_Name: 'Cliente', Mobile: '+393479998887' } });
    await control('POST', '/sim/notifications/flush');
    expect(await firstNameOf('+393471234567')).toBe('Notified');
    expect(await firstNameOf('+393479998887')).toBe('Nuovo');
    expect(attempts.parse(await control('GET', '/sim/notifications')).attempts.map((a) => a.status)).toEqual([200, 200]);
  });

  it('refuses a wrong token or channel, or an unknown connection, with 401 and stores nothing', async () => {
    const { channels } = simState.parse(await control('GET', '/sim/state'));
    const channel = channels[0];
    if (!channel?.token) throw new Error('no channel');
    // Zoho's own deliveries stop here: the requests below are made by hand.
    const token = z.object({ access_token: z.string() }).parse(
      await (
        await fetch(`${sim.url}/oauth/v2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            client_id: OAUTH.clientId,
            client_secret: OAUTH.clientSecret,
            refresh_token: OAUTH.refreshToken,
          }),
        })
      ).json(),
    ).access_token;
    const unwatched = await fetch(`${sim.url}/crm/v8/actions/watch?channel_ids=${channel.channelId}`, {
      method: 'DELETE',
      headers: { authorization: `Zoho-oauthtoken ${token}` },
    });
    expect(unwatched.status).toBe(200);
    await control('POST', '/sim/clock', { advanceMs: 2000 });
    await control('PATCH', `/sim/ui/Contacts/${recordId}`, { fields: { First_Name: 'Forged' } });
    const body = { module: 'Contacts', ids: [recordId], operation: 'update', channel_id: channel.channelId, token: channel.token };
    const calls = await h.count('crm_calls', 'connection_id = $1', [connectionId]);
    const refused = [
      await deliver(hookUrl, { ...body, token: 'not-the-token' }),
      await deliver(hookUrl, { ...body, token: null }),
      await deliver(hookUrl, { ...body, channel_id: '1234' }),
      await deliver(`${h.url}/webhooks/zoho/0b9e3c38-7f0e-4a57-9d53-6a8f1c0e0009`, body),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(await firstNameOf('+393471234567')).toBe('Notified');
    expect(await h.count('crm_calls', 'connection_id = $1', [connectionId])).toBe(calls);

    const malformed = await deliver(hookUrl, { ...body, ids: 'everything' });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('ids');

    // The same notification with the channel's token is applied; a delete changes nothing here.
    const ok = await deliver(hookUrl, body);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ applied: 1, conflicts: 0 });
    expect(await firstNameOf('+393471234567')).toBe('Forged');
    const deleted = await deliver(hookUrl, { ...body, operation: 'delete' });
    expect(await deleted.json()).toEqual({ applied: 0, conflicts: 0 });
  });
});
