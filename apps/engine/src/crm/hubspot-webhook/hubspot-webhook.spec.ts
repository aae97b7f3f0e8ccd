import { type RunningHubSpotSimulator, startHubSpotSimulator } from '@parley/crm-simulators';
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { obj, str } from '../../test-support/json';
import { callSimulator } from '../../test-support/simulator-call';

const TOKEN = 'pat-webhook-test';
const APP_SECRET = 'hubspot-app-client-secret';
const simRecords = z.object({ results: z.array(z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()) })) });

/** HubSpot's webhook subscription against the real engine: the local HubSpot signs and delivers, Parley applies. */
describe('HubSpot webhooks (signature v3)', () => {
  let h: EngineHarness;
  let sim: RunningHubSpotSimulator;
  let connectionId: string;
  let hookUrl: string;

  const control = async (method: string, path: string, body?: unknown) => (await callSimulator(sim.url, method, path, body)).body;
  const firstNameOf = async (phone: string) =>
    (await h.sql(`SELECT first_name FROM contacts WHERE workspace_id = $1 AND phone_e164 = $2`, [h.workspace.id, phone]))[0]?.[
      'first_name'
    ];
  const sign = (body: string, timestamp: string, secret = APP_SECRET) =>
    createHmac('sha256', secret).update(`POST${hookUrl}${body}${timestamp}`).digest('base64');
  const deliver = (body: string, headers: Record<string, string>) =>
    fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  beforeAll(async () => {
    sim = await startHubSpotSimulator({
      privateAppTokens: [TOKEN],
      searchLagMs: 0,
      webhooks: { clientSecret: APP_SECRET, batchWindowMs: 10, includeApiChanges: false },
    });
    // Polling is made rare, so only the webhook can bring HubSpot's change in.
    h = await startEngineHarness({ env: { CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false', CRM_POLL_INTERVAL_MS: '600000' } });
    const created = await h.workspace.admin.post('/api/crm/connections', {
      provider: 'hubspot',
      name: 'Local HubSpot',
      settings: { baseUrl: sim.url, searchLagMs: 0 },
      secrets: { privateAppToken: TOKEN, clientSecret: APP_SECRET },
    });
    expect(created.status).toBe(201);
    connectionId = str(obj(created.body)['id']);
    hookUrl = `${h.url}/webhooks/hubspot/${connectionId}`;
    await control('POST', '/sim/generate', { count: 2, countryCode: '39' });
    expect((await h.workspace.admin.post(`/api/crm/connections/${connectionId}/sync`)).status).toBe(200);
    await control('PUT', '/sim/webhooks', { targetUrl: hookUrl });
  });
  afterAll(async () => {
    await Promise.allSettled([(async () => h.close())(), (async () => sim.close())()]);
  });

  it('a change made in HubSpot arrives by its signed webhook, without a poll', async () => {
    const [record] = simRecords.parse(await control('GET', '/sim/records/contacts')).results;
    if (!record) throw new Error('no HubSpot contact');
    const phone = str(record.properties['phone']);
    expect(await firstNameOf(phone)).toBe(record.properties['firstname']);
    await control('PATCH', `/sim/ui/contacts/${record.id}`, { properties: { firstname: 'Hooked' } });
    await control('POST', '/sim/webhooks/flush');
    expect(await firstNameOf(phone)).toBe('Hooked');
    const attempts = z
      .object({ attempts: z.array(z.object({ status: z.number().nullable() }).loose()) })
      .parse(await control('GET', '/sim/webhooks'));
    expect(attempts.attempts.map((a) => a.status)).toContain(200);
  });

  it('refuses a bad, stale or missing signature, or an unknown connection, with 401 and stores nothing', async () => {
    const [record] = simRecords.parse(await control('GET', '/sim/records/contacts')).results;
    if (!record) throw new Error('no HubSpot contact');
    // HubSpot's own deliveries stop here: the requests below are made by hand.
    await control('PUT', '/sim/webhooks', { targetUrl: null });
    await control('PATCH', `/sim/ui/contacts/${record.id}`, { properties: { firstname: 'Forged' } });
    const body = JSON.stringify([{ objectId: Number(record.id), subscriptionType: 'contact.propertyChange', propertyName: 'firstname' }]);
    const now = String(Date.now());
    const calls = await h.count('crm_calls', 'connection_id = $1', [connectionId]);
    const refused = [
      await deliver(body, { 'x-hubspot-request-timestamp': now, 'x-hubspot-signature-v3': sign(body, now, 'wrong-secret') }),
      await deliver(body, { 'x-hubspot-request-timestamp': now }),
      await deliver(body, {
        'x-hubspot-request-timestamp': String(Date.now() - 10 * 60_000),
        'x-hubspot-signature-v3': sign(body, String(Date.now() - 10 * 60_000)),
      }),
      await deliver(`${body} `, { 'x-hubspot-request-timestamp': now, 'x-hubspot-signature-v3': sign(body, now) }),
      await fetch(`${h.url}/webhooks/hubspot/0b9e3c38-7f0e-4a57-9d53-6a8f1c0e0009`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': now, 'x-hubspot-signature-v3': sign(body, now) },
        body,
      }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await firstNameOf(str(record.properties['phone']))).not.toBe('Forged');
    expect(await h.count('crm_calls', 'connection_id = $1', [connectionId])).toBe(calls);

    // The same request, rightly signed, is applied.
    const ok = await deliver(body, { 'x-hubspot-request-timestamp': now, 'x-hubspot-signature-v3': sign(body, now) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ applied: 1, conflicts: 0 });
    expect(await firstNameOf(str(record.properties['phone']))).toBe('Forged');
  });
});
