import { createHmac } from 'node:crypto';
import { CallbackReceiver } from '../common/callback-receiver.spec-helper';
import { at, fetchJson, json, listAt } from '../common/fetch-json.spec-helper';
import { type RunningHubSpotSimulator, startHubSpotSimulator } from './hubspot-server';

const TOKEN = 'pat-eu1-simulated-private-app-token';
const CLIENT_ID = 'client-id-1';
const CLIENT_SECRET = 'client-secret-1';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('HubSpot simulator', () => {
  let sim: RunningHubSpotSimulator;
  let receiver: CallbackReceiver;

  beforeAll(async () => {
    receiver = await new CallbackReceiver().start('/webhooks/hubspot?portal=1');
  });
  afterAll(async () => {
    await receiver.stop();
  });

  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.failNext = [];
    sim = await startHubSpotSimulator({
      privateAppTokens: [TOKEN],
      oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: ['refresh-1'], accessTokenTtlSeconds: 60 },
      webhooks: { targetUrl: receiver.url, batchWindowMs: 20, retry: { attempts: 3, firstDelayMs: 20 } },
      searchLagMs: 5_000,
    });
  });
  afterEach(async () => {
    await sim.close();
  });

  const api = (path: string) => `${sim.url}${path}`;

  async function createContact(properties: Record<string, string>): Promise<string> {
    const created = await fetchJson(api('/crm/v3/objects/contacts'), json('POST', { properties }, auth));
    expect(created.status).toBe(201);
    const id = at(created.body, 'id');
    if (typeof id !== 'string') throw new Error('no id');
    return id;
  }

  it('refuses calls without a token or with an unknown one, in HubSpot error shape', async () => {
    const none = await fetchJson(api('/crm/v3/objects/contacts'));
    expect(none.status).toBe(401);
    expect(at(none.body, 'category')).toBe('INVALID_AUTHENTICATION');
    expect(at(none.body, 'status')).toBe('error');
    expect(typeof at(none.body, 'correlationId')).toBe('string');
    const wrong = await fetchJson(api('/crm/v3/objects/contacts'), { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('creates, reads, updates and archives a contact, with timestamps and lastmodifieddate', async () => {
    const id = await createContact({ firstname: 'Anna', lastname: 'Rossi', email: 'anna@example.com', phone: '+393331234567' });
    const read = await fetchJson(api(`/crm/v3/objects/contacts/${id}?properties=phone,firstname`), { headers: auth });
    expect(read.status).toBe(200);
    expect(at(read.body, 'properties', 'phone')).toBe('+393331234567');
    expect(at(read.body, 'properties', 'hs_object_id')).toBe(id);
    const before = String(at(read.body, 'properties', 'lastmodifieddate'));

    sim.core.clock.advance(1000);
    const patched = await fetchJson(api(`/crm/v3/objects/contacts/${id}`), json('PATCH', { properties: { firstname: 'Annie' } }, auth));
    expect(patched.status).toBe(200);
    expect(at(patched.body, 'properties', 'firstname')).toBe('Annie');
    expect(Date.parse(String(at(patched.body, 'properties', 'lastmodifieddate')))).toBeGreaterThan(Date.parse(before));

    const byEmail = await fetchJson(api('/crm/v3/objects/contacts/anna@example.com?idProperty=email'), { headers: auth });
    expect(at(byEmail.body, 'id')).toBe(id);

    expect((await fetchJson(api(`/crm/v3/objects/contacts/${id}`), { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await fetchJson(api(`/crm/v3/objects/contacts/${id}`), { headers: auth })).status).toBe(404);
    const archived = await fetchJson(api(`/crm/v3/objects/contacts/${id}?archived=true`), { headers: auth });
    expect(at(archived.body, 'archived')).toBe(true);
  });

  it('refuses unknown or read-only properties and duplicate emails without storing anything', async () => {
    const bad = await fetchJson(
      api('/crm/v3/objects/contacts'),
      json('POST', { properties: { favourite_colour: 'red', createdate: '1' } }, auth),
    );
    expect(bad.status).toBe(400);
    expect(at(bad.body, 'category')).toBe('VALIDATION_ERROR');
    expect(String(at(bad.body, 'message'))).toContain('PROPERTY_DOESNT_EXIST');
    expect(String(at(bad.body, 'message'))).toContain('READ_ONLY_VALUE');

    const first = await createContact({ email: 'dup@example.com' });
    const dup = await fetchJson(api('/crm/v3/objects/contacts'), json('POST', { properties: { email: 'DUP@example.com' } }, auth));
    expect(dup.status).toBe(409);
    expect(String(at(dup.body, 'message'))).toContain(first);

    const malformed = await fetchJson(api('/crm/v3/objects/contacts'), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"properties":',
    });
    expect(malformed.status).toBe(400);
    expect(sim.core.store.count('contacts')).toBe(1);
  });

  it('shows new and changed records in search only after the index lag', async () => {
    const id = await createContact({ firstname: 'Marco', phone: '+393330000001' });
    const search = (value: string) =>
      fetchJson(
        api('/crm/v3/objects/contacts/search'),
        json(
          'POST',
          { filterGroups: [{ filters: [{ propertyName: 'phone', operator: 'EQ', value }] }], properties: ['phone', 'firstname'] },
          auth,
        ),
      );
    expect(at((await search('+393330000001')).body, 'total')).toBe(0);
    sim.core.clock.advance(5_000);
    const found = await search('+393330000001');
    expect(at(found.body, 'total')).toBe(1);
    expect(at(found.body, 'results', 0, 'id')).toBe(id);

    await fetchJson(api(`/crm/v3/objects/contacts/${id}`), json('PATCH', { properties: { phone: '+393330000002' } }, auth));
    expect(at((await search('+393330000002')).body, 'total')).toBe(0);
    expect(at((await search('+393330000001')).body, 'total')).toBe(1);
    sim.core.clock.advance(5_000);
    expect(at((await search('+393330000002')).body, 'total')).toBe(1);
    expect(at((await search('+393330000001')).body, 'total')).toBe(0);
  });

  it('pages search results with after, sorts by lastmodifieddate and refuses paging past 10,000', async () => {
    const generated = await fetchJson(api('/sim/generate'), json('POST', { count: 25 }));
    expect(generated.status).toBe(201);
    const seen: string[] = [];
    let after: unknown = undefined;
    for (let page = 0; page < 5; page += 1) {
      const answer = await fetchJson(
        api('/crm/v3/objects/contacts/search'),
        json(
          'POST',
          { sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }], limit: 10, ...(after === undefined ? {} : { after }) },
          auth,
        ),
      );
      expect(at(answer.body, 'total')).toBe(25);
      for (const result of listAt(answer.body, 'results')) seen.push(String(at(result, 'id')));
      after = at(answer.body, 'paging', 'next', 'after');
      if (after === undefined) break;
    }
    expect(new Set(seen).size).toBe(25);
    const tooFar = await fetchJson(api('/crm/v3/objects/contacts/search'), json('POST', { after: '9995', limit: 10 }, auth));
    expect(tooFar.status).toBe(400);
    const tooBig = await fetchJson(api('/crm/v3/objects/contacts/search'), json('POST', { limit: 201 }, auth));
    expect(tooBig.status).toBe(400);
    expect(String(at(tooBig.body, 'message'))).toContain('limit');
  });

  it('lists with cursor paging and reads, creates, updates and upserts in batches (207 for missing ids)', async () => {
    const ids = [await createContact({ email: 'a@example.com' }), await createContact({ email: 'b@example.com' })];
    const listed = await fetchJson(api('/crm/v3/objects/contacts?limit=1'), { headers: auth });
    expect(at(listed.body, 'results', 0, 'id')).toBe(ids[0]);
    const next = at(listed.body, 'paging', 'next', 'after');
    const second = await fetchJson(api(`/crm/v3/objects/contacts?limit=1&after=${String(next)}`), { headers: auth });
    expect(at(second.body, 'results', 0, 'id')).toBe(ids[1]);

    const read = await fetchJson(
      api('/crm/v3/objects/contacts/batch/read'),
      json('POST', { properties: ['email'], inputs: [{ id: ids[0] }, { id: '999999' }] }, auth),
    );
    expect(read.status).toBe(207);
    expect(at(read.body, 'numErrors')).toBe(1);
    expect(at(read.body, 'errors', 0, 'context', 'ids', 0)).toBe('999999');

    const created = await fetchJson(
      api('/crm/v3/objects/contacts/batch/create'),
      json('POST', { inputs: [{ properties: { email: 'c@example.com' } }] }, auth),
    );
    expect(created.status).toBe(201);
    const updated = await fetchJson(
      api('/crm/v3/objects/contacts/batch/update'),
      json('POST', { inputs: [{ id: ids[0], properties: { firstname: 'A' } }] }, auth),
    );
    expect(updated.status).toBe(200);
    const upserted = await fetchJson(
      api('/crm/v3/objects/contacts/batch/upsert'),
      json(
        'POST',
        {
          inputs: [
            { id: 'b@example.com', idProperty: 'email', properties: { firstname: 'B' } },
            { id: 'd@example.com', idProperty: 'email', properties: { firstname: 'D' } },
          ],
        },
        auth,
      ),
    );
    expect(upserted.status).toBe(200);
    expect(at(upserted.body, 'results', 0, 'new')).toBe(false);
    expect(at(upserted.body, 'results', 1, 'new')).toBe(true);
    expect(sim.core.store.count('contacts')).toBe(4);

    const tooMany = await fetchJson(
      api('/crm/v3/objects/contacts/batch/create'),
      json('POST', { inputs: Array.from({ length: 101 }, () => ({ properties: {} })) }, auth),
    );
    expect(tooMany.status).toBe(400);
    expect(sim.core.store.count('contacts')).toBe(4);
  });

  it('creates deals in a pipeline stage, refuses unknown stages and associates deals, notes and communications (v4)', async () => {
    const pipelines = await fetchJson(api('/crm/v3/pipelines/deals'), { headers: auth });
    expect(at(pipelines.body, 'results', 0, 'id')).toBe('default');
    expect(at(pipelines.body, 'results', 0, 'stages', 0, 'id')).toBe('appointmentscheduled');
    const contact = await createContact({ email: 'deal@example.com' });

    const badStage = await fetchJson(
      api('/crm/v3/objects/deals'),
      json('POST', { properties: { dealname: 'Sofa', dealstage: 'nowhere' } }, auth),
    );
    expect(badStage.status).toBe(400);
    expect(String(at(badStage.body, 'message'))).toContain('INVALID_OPTION');

    const deal = await fetchJson(
      api('/crm/v3/objects/deals'),
      json(
        'POST',
        {
          properties: { dealname: 'Sofa', dealstage: 'qualifiedtobuy', pipeline: 'default', amount: 1200 },
          associations: [{ to: { id: contact }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] }],
        },
        auth,
      ),
    );
    expect(deal.status).toBe(201);
    const dealId = String(at(deal.body, 'id'));
    const fromContact = await fetchJson(api(`/crm/v4/objects/contacts/${contact}/associations/deals`), { headers: auth });
    expect(at(fromContact.body, 'results', 0, 'toObjectId')).toBe(Number(dealId));
    expect(at(fromContact.body, 'results', 0, 'associationTypes', 0, 'typeId')).toBe(4);

    const communication = await fetchJson(
      api('/crm/v3/objects/communications'),
      json(
        'POST',
        {
          properties: {
            hs_communication_channel_type: 'WHATS_APP',
            hs_communication_logged_from: 'CRM',
            hs_communication_body: 'Hi!',
            hs_timestamp: '2024-05-01T10:00:00Z',
          },
          associations: [{ to: { id: contact }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 81 }] }],
        },
        auth,
      ),
    );
    expect(communication.status).toBe(201);
    const note = await fetchJson(
      api('/crm/v3/objects/notes'),
      json('POST', { properties: { hs_note_body: 'Called', hs_timestamp: String(Date.now()) } }, auth),
    );
    const noteId = String(at(note.body, 'id'));
    const linked = await fetchJson(api(`/crm/v4/objects/notes/${noteId}/associations/default/contacts/${contact}`), {
      method: 'PUT',
      headers: auth,
    });
    expect(linked.status).toBe(200);
    const withAssociations = await fetchJson(api(`/crm/v3/objects/contacts/${contact}?associations=notes,communications,deals`), {
      headers: auth,
    });
    expect(at(withAssociations.body, 'associations', 'notes', 'results', 0, 'id')).toBe(noteId);
    expect(at(withAssociations.body, 'associations', 'communications', 'results', 0, 'type')).toBe('contact_to_communication');

    const noteWithoutTime = await fetchJson(api('/crm/v3/objects/notes'), json('POST', { properties: { hs_note_body: 'x' } }, auth));
    expect(noteWithoutTime.status).toBe(400);
    expect(String(at(noteWithoutTime.body, 'message'))).toContain('hs_timestamp');
  });

  it('enforces the ten-second burst limit and the daily limit with HubSpot headers and 429 bodies', async () => {
    await sim.close();
    sim = await startHubSpotSimulator({ privateAppTokens: [TOKEN], limits: { privateAppPerInterval: 3, intervalMs: 1000, daily: 5 } });
    const first = await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth });
    expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('3');
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
    expect(first.headers.get('x-hubspot-ratelimit-daily')).toBe('5');
    expect(first.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('4');
    expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('1000');
    await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth });
    await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth });
    const refused = await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth });
    expect(refused.status).toBe(429);
    expect(at(refused.body, 'errorType')).toBe('RATE_LIMIT');
    expect(at(refused.body, 'policyName')).toBe('TEN_SECONDLY_ROLLING');
    expect(refused.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');

    sim.core.clock.advance(1_100);
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth })).status).toBe(200);
    const daily = await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth });
    expect(daily.status).toBe(429);
    expect(at(daily.body, 'policyName')).toBe('DAILY');
    sim.core.clock.advance(86_400_000);
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth })).status).toBe(200);
  });

  it('issues OAuth tokens from a code or a refresh token; expired tokens get 401 EXPIRED_AUTHENTICATION until refreshed', async () => {
    const authorize = await fetch(
      api(`/oauth/authorize?client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/cb')}&state=s1`),
      { redirect: 'manual' },
    );
    expect(authorize.status).toBe(302);
    const location = new URL(authorize.headers.get('location') ?? '');
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code') ?? '';
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const exchanged = await fetchJson(
      api('/oauth/v1/token'),
      form({
        grant_type: 'authorization_code',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uri: 'http://127.0.0.1:9/cb',
        code,
      }),
    );
    expect(exchanged.status).toBe(200);
    expect(at(exchanged.body, 'expires_in')).toBe(60);
    const again = await fetchJson(
      api('/oauth/v1/token'),
      form({ grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uri: 'x', code }),
    );
    expect(at(again.body, 'status')).toBe('BAD_AUTH_CODE');

    const refreshed = await fetchJson(
      api('/oauth/v1/token'),
      form({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: 'refresh-1' }),
    );
    const access = String(at(refreshed.body, 'access_token'));
    const oauthCall = await fetchJson(api('/crm/v3/objects/contacts'), { headers: { authorization: `Bearer ${access}` } });
    expect(oauthCall.status).toBe(200);
    expect(oauthCall.headers.get('x-hubspot-ratelimit-daily')).toBeNull();
    expect(oauthCall.headers.get('x-hubspot-ratelimit-max')).toBe('110');

    sim.core.clock.advance(61_000);
    const expired = await fetchJson(api('/crm/v3/objects/contacts'), { headers: { authorization: `Bearer ${access}` } });
    expect(expired.status).toBe(401);
    expect(at(expired.body, 'category')).toBe('EXPIRED_AUTHENTICATION');

    const badRefresh = await fetchJson(
      api('/oauth/v1/token'),
      form({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: 'nope' }),
    );
    expect(badRefresh.status).toBe(400);
    expect(at(badRefresh.body, 'status')).toBe('BAD_REFRESH_TOKEN');

    const fresh = await fetchJson(
      api('/oauth/v1/token'),
      form({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: 'refresh-1' }),
    );
    const freshToken = String(at(fresh.body, 'access_token'));
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: { authorization: `Bearer ${freshToken}` } })).status).toBe(200);
    expect((await fetchJson(api('/sim/faults'), json('POST', { kind: 'token_expiry' }))).status).toBe(201);
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: { authorization: `Bearer ${freshToken}` } })).status).toBe(401);
    // A private app token is not an OAuth token: it does not expire.
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth })).status).toBe(200);
  });

  it('sends webhook batches for changes made in the CRM UI, signed with the v3 signature', async () => {
    const created = await fetchJson(api('/sim/ui/contacts'), json('POST', { properties: { firstname: 'Zofia', phone: '+48600000001' } }));
    expect(created.status).toBe(201);
    const id = String(at(created.body, 'id'));
    await fetchJson(api(`/sim/ui/contacts/${id}`), json('PATCH', { properties: { phone: '+48600000002' } }));
    await sim.idle();
    const deliveries = await receiver.waitFor(1);
    const events: unknown[] = deliveries.flatMap((delivery) => {
      const parsed: unknown = JSON.parse(delivery.raw);
      return Array.isArray(parsed) ? parsed : [];
    });
    const types = events.map((event) => `${String(at(event, 'subscriptionType'))}:${String(at(event, 'propertyName') ?? '')}`);
    expect(types).toContain('contact.creation:');
    expect(types).toContain('contact.propertyChange:phone');
    const change = events.find((event) => at(event, 'propertyValue') === '+48600000002');
    expect(at(change, 'objectId')).toBe(Number(id));
    expect(at(change, 'changeSource')).toBe('CRM_UI');
    expect(at(change, 'portalId')).toBe(sim.core.options.portalId);

    // An independent check of the signature, computed from HubSpot's documented recipe.
    for (const delivery of deliveries) {
      const timestamp = String(delivery.headers['x-hubspot-request-timestamp']);
      const expected = createHmac('sha256', CLIENT_SECRET).update(`POST${receiver.url}${delivery.raw}${timestamp}`).digest('base64');
      expect(delivery.headers['x-hubspot-signature-v3']).toBe(expected);
      expect(Math.abs(Date.now() - Number(timestamp))).toBeLessThan(60_000);
    }
  });

  it('announces changes made through the API too (INTEGRATION) and retries failed deliveries with a higher attemptNumber', async () => {
    receiver.failNext = [500];
    await createContact({ firstname: 'Piotr' });
    await sim.idle();
    const deliveries = await receiver.waitFor(2);
    const attempts = deliveries.map((delivery) => {
      const parsed: unknown = JSON.parse(delivery.raw);
      return at(parsed, 0, 'attemptNumber');
    });
    expect(attempts).toEqual([0, 1]);
    expect(at(JSON.parse(deliveries[1]?.raw ?? '[]'), 0, 'changeSource')).toBe('INTEGRATION');
    const log = await fetchJson(api('/sim/webhooks'));
    expect(at(log.body, 'attempts', 0, 'status')).toBe(500);
    expect(at(log.body, 'attempts', 1, 'delivered')).toBe(true);
  });

  it('simulates outages (503 or dropped connection), injected 429s, server errors and slow answers, and logs calls', async () => {
    await fetchJson(api('/sim/faults'), json('POST', { kind: 'outage', seconds: 60 }));
    const down = await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth });
    expect(down.status).toBe(503);
    expect(at(down.body, 'status')).toBe('error');
    sim.core.clock.advance(61_000);
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth })).status).toBe(200);

    await fetchJson(api('/sim/faults'), json('POST', { kind: 'outage', seconds: 60, mode: 'reset' }));
    await expect(fetch(api('/crm/v3/objects/contacts'), { headers: auth })).rejects.toThrow();
    await fetchJson(api('/sim/faults'), { method: 'DELETE' });

    await fetchJson(api('/sim/faults'), json('POST', { kind: 'rate_limit', count: 2 }));
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth })).status).toBe(429);
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth })).status).toBe(429);
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth })).status).toBe(200);

    await fetchJson(api('/sim/faults'), json('POST', { kind: 'server_error', count: 1 }));
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth })).status).toBe(500);

    await fetchJson(api('/sim/faults'), json('POST', { kind: 'slow', delayMs: 300, count: 1 }));
    const started = Date.now();
    expect((await fetchJson(api('/crm/v3/objects/contacts'), { headers: auth })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    const calls = await fetchJson(api('/sim/calls?method=GET&path=/crm/v3/objects/contacts'));
    const statuses = listAt(calls.body, 'calls').map((call) => at(call, 'status'));
    expect(statuses).toEqual([503, 200, 0, 429, 429, 200, 500, 200]);
  });

  it('takes webhook settings from the control API: another target, deal subscriptions, no webhooks once the target is removed', async () => {
    const other = await new CallbackReceiver().start('/other');
    try {
      const settings = await fetchJson(
        api('/sim/webhooks'),
        json('PUT', {
          targetUrl: other.url,
          subscriptions: [{ subscriptionType: 'deal.propertyChange', propertyName: 'dealstage' }, { subscriptionType: 'deal.creation' }],
        }),
      );
      expect(settings.status).toBe(200);
      const deal = await fetchJson(
        api('/sim/ui/deals'),
        json('POST', { properties: { dealname: 'Lamp', dealstage: 'appointmentscheduled' } }),
      );
      const dealId = String(at(deal.body, 'id'));
      await fetchJson(api(`/sim/ui/deals/${dealId}`), json('PATCH', { properties: { dealstage: 'closedwon' } }));
      await createContact({ firstname: 'Not subscribed' });
      await sim.idle();
      const events = (await other.waitFor(1)).flatMap((delivery) => listAt(JSON.parse(delivery.raw)));
      // HubSpot does not promise an order: compare as sets.
      expect(events.map((event) => String(at(event, 'subscriptionType'))).sort()).toEqual([
        'deal.creation',
        'deal.propertyChange',
        'deal.propertyChange',
      ]);
      expect(
        events.flatMap((event) => (at(event, 'propertyName') === 'dealstage' ? [String(at(event, 'propertyValue'))] : [])).sort(),
      ).toEqual(['appointmentscheduled', 'closedwon']);
      expect(receiver.received).toHaveLength(0);

      await fetchJson(api('/sim/webhooks'), json('PUT', { targetUrl: null }));
      await fetchJson(api(`/sim/ui/deals/${dealId}`), json('PATCH', { properties: { dealstage: 'closedlost' } }));
      await sim.idle();
      expect(other.received.map((delivery) => listAt(JSON.parse(delivery.raw)).length).reduce((sum, count) => sum + count, 0)).toBe(3);
    } finally {
      await other.stop();
    }
  });

  it('answers bad control-API input with a 400 naming the field', async () => {
    const bad = await fetchJson(api('/sim/faults'), json('POST', { kind: 'outage', seconds: -1 }));
    expect(bad.status).toBe(400);
    expect(String(at(bad.body, 'error', 'message'))).toContain('seconds');
    const badUi = await fetchJson(api('/sim/ui/contacts'), json('POST', { properties: { nope: 'x' } }));
    expect(badUi.status).toBe(400);
    expect(sim.core.store.count('contacts')).toBe(0);
  });
});
