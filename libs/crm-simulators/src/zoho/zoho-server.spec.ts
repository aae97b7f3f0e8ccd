import { CallbackReceiver } from '../common/callback-receiver.spec-helper';
import { at, fetchJson, json, listAt } from '../common/fetch-json.spec-helper';
import { type RunningZohoSimulator, startZohoSimulator } from './zoho-server';

const CLIENT_ID = '1000.SIMCLIENT';
const CLIENT_SECRET = 'sim-secret';
const REFRESH = '1000.refresh.sim';

describe('Zoho CRM simulator', () => {
  let sim: RunningZohoSimulator;
  let token = '';
  const api = (path: string) => `${sim.url}${path}`;
  const zoho = () => ({ authorization: `Zoho-oauthtoken ${token}` });

  async function refresh(): Promise<string> {
    const answer = await fetchJson(
      api(`/oauth/v2/token?refresh_token=${REFRESH}&client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}&grant_type=refresh_token`),
      {
        method: 'POST',
      },
    );
    expect(answer.status).toBe(200);
    return String(at(answer.body, 'access_token'));
  }

  beforeEach(async () => {
    sim = await startZohoSimulator({
      oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: [REFRESH] },
      uniqueFields: { Contacts: ['Mobile'] },
      notifications: { batchWindowMs: 20, retry: { attempts: 2, firstDelayMs: 20 } },
    });
    token = await refresh();
  });
  afterEach(async () => {
    await sim.close();
  });

  async function insert(module: string, data: Record<string, unknown>[]): Promise<{ status: number; body: unknown }> {
    return fetchJson(api(`/crm/v8/${module}`), json('POST', { data }, zoho()));
  }

  it('refreshes tokens at the accounts endpoint (errors as HTTP 200 with an error field) and answers the api_domain', async () => {
    const answer = await fetchJson(api('/oauth/v2/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        refresh_token: REFRESH,
      }).toString(),
    });
    expect(at(answer.body, 'api_domain')).toBe(sim.url);
    expect(at(answer.body, 'token_type')).toBe('Bearer');
    expect(at(answer.body, 'expires_in')).toBe(3600);
    const bad = await fetchJson(
      api(`/oauth/v2/token?refresh_token=nope&client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}&grant_type=refresh_token`),
      { method: 'POST' },
    );
    expect(bad.status).toBe(200);
    expect(at(bad.body, 'error')).toBe('invalid_code');
    const client = await fetchJson(api(`/oauth/v2/token?refresh_token=${REFRESH}&client_id=x&client_secret=y&grant_type=refresh_token`), {
      method: 'POST',
    });
    expect(at(client.body, 'error')).toBe('invalid_client');

    const grant = await fetchJson(api('/sim/oauth/codes'), { method: 'POST' });
    const exchanged = await fetchJson(
      api(
        `/oauth/v2/token?code=${String(at(grant.body, 'code'))}&client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}&grant_type=authorization_code&redirect_uri=x`,
      ),
      {
        method: 'POST',
      },
    );
    expect(typeof at(exchanged.body, 'refresh_token')).toBe('string');
  });

  it('needs the Zoho-oauthtoken header; expired tokens get 401 INVALID_TOKEN until refreshed', async () => {
    const bearer = await fetchJson(api('/crm/v8/Contacts?fields=Last_Name'), { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(401);
    expect(at(bearer.body, 'code')).toBe('AUTHENTICATION_FAILURE');
    sim.core.clock.advance(3_600_000);
    const expired = await fetchJson(api('/crm/v8/Contacts?fields=Last_Name'), { headers: zoho() });
    expect(expired.status).toBe(401);
    expect(at(expired.body, 'code')).toBe('INVALID_TOKEN');
    expect(at(expired.body, 'status')).toBe('error');
    token = await refresh();
    expect((await fetchJson(api('/crm/v8/Contacts?fields=Last_Name'), { headers: zoho() })).status).toBe(204);
  });

  it('inserts records with per-record results (201, 207 mixed, 400 all failed) and reads them back', async () => {
    const ok = await insert('Contacts', [{ First_Name: 'Anna', Last_Name: 'Rossi', Mobile: '+393331234567', Email: 'anna@example.com' }]);
    expect(ok.status).toBe(201);
    expect(at(ok.body, 'data', 0, 'code')).toBe('SUCCESS');
    expect(at(ok.body, 'data', 0, 'message')).toBe('record added');
    const id = String(at(ok.body, 'data', 0, 'details', 'id'));
    expect(String(at(ok.body, 'data', 0, 'details', 'Modified_Time'))).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);

    const mixed = await insert('Contacts', [{ Last_Name: 'Nowak' }, { First_Name: 'No last name' }]);
    expect(mixed.status).toBe(207);
    expect(at(mixed.body, 'data', 1, 'code')).toBe('MANDATORY_NOT_FOUND');
    expect(at(mixed.body, 'data', 1, 'details', 'api_name')).toBe('Last_Name');
    expect(at(mixed.body, 'data', 1, 'details', 'json_path')).toBe('$.data[1].Last_Name');

    const failed = await insert('Contacts', [
      { Last_Name: 'Dup', Mobile: '+393331234567' },
      { Last_Name: 'X', Unknown_Field: 1 },
      { Last_Name: 'Y', Email: 'not-an-email' },
    ]);
    expect(failed.status).toBe(400);
    expect(listAt(failed.body, 'data').map((item) => at(item, 'code'))).toEqual(['DUPLICATE_DATA', 'INVALID_DATA', 'INVALID_DATA']);
    expect(at(failed.body, 'data', 0, 'details', 'duplicate_record', 'id')).toBe(id);

    const one = await fetchJson(api(`/crm/v8/Contacts/${id}`), { headers: zoho() });
    expect(at(one.body, 'data', 0, 'Mobile')).toBe('+393331234567');
    expect(at(one.body, 'data', 0, 'Owner', 'name')).toBe('Parley Integration');
    expect(sim.core.store.live('Contacts').length).toBe(2);

    const missingFields = await fetchJson(api('/crm/v8/Contacts'), { headers: zoho() });
    expect(missingFields.status).toBe(400);
    expect(at(missingFields.body, 'code')).toBe('REQUIRED_PARAM_MISSING');
    expect(at(missingFields.body, 'details', 'param_name')).toBe('fields');
  });

  it('upserts with duplicate_check_fields: update on one match, insert on none, DUPLICATE_DATA when ambiguous', async () => {
    await insert('Contacts', [
      { Last_Name: 'Rossi', Mobile: '+393330000001', Email: 'same@example.com' },
      { Last_Name: 'Bianchi', Email: 'same@example.com' },
    ]);
    const upsert = (data: Record<string, unknown>[], fields: string[]) =>
      fetchJson(api('/crm/v8/Contacts/upsert'), json('POST', { data, duplicate_check_fields: fields }, zoho()));
    const updated = await upsert([{ Last_Name: 'Rossi', First_Name: 'Marco', Mobile: '+393330000001' }], ['Mobile']);
    expect(updated.status).toBe(200);
    expect(at(updated.body, 'data', 0, 'action')).toBe('update');
    expect(at(updated.body, 'data', 0, 'duplicate_field')).toBe('Mobile');
    const inserted = await upsert([{ Last_Name: 'Nuovo', Mobile: '+393330000009' }], ['Mobile']);
    expect(at(inserted.body, 'data', 0, 'action')).toBe('insert');
    expect(at(inserted.body, 'data', 0, 'duplicate_field')).toBeNull();
    const ambiguous = await upsert([{ Last_Name: 'Who', Email: 'same@example.com' }], ['Email']);
    expect(ambiguous.status).toBe(400);
    expect(at(ambiguous.body, 'data', 0, 'code')).toBe('DUPLICATE_DATA');
    expect(at(ambiguous.body, 'data', 0, 'details', 'more_records')).toBe(true);
    const notUnique = await upsert([{ Last_Name: 'X', Phone: '1' }], ['Phone']);
    expect(notUnique.status).toBe(400);
    expect(at(notUnique.body, 'details', 'api_name')).toBe('Phone');
    expect(sim.core.store.live('Contacts').length).toBe(3);
  });

  it('searches Contacts then Leads by criteria and phone, answering 204 when nothing matches', async () => {
    await insert('Leads', [{ Last_Name: 'Lead', Company: 'Acme', Mobile: '+48 600 000 001' }]);
    const byCriteria = await fetchJson(
      api(`/crm/v8/Contacts/search?criteria=${encodeURIComponent('((Mobile:equals:+48600000001)or(Phone:equals:+48600000001))')}`),
      { headers: zoho() },
    );
    expect(byCriteria.status).toBe(204);
    const lead = await fetchJson(api(`/crm/v8/Leads/search?phone=${encodeURIComponent('+48600000001')}`), { headers: zoho() });
    expect(lead.status).toBe(200);
    expect(at(lead.body, 'data', 0, 'Last_Name')).toBe('Lead');
    expect(at(lead.body, 'info', 'more_records')).toBe(false);
    const exact = await fetchJson(api(`/crm/v8/Leads/search?criteria=${encodeURIComponent('(Mobile:equals:+48 600 000 001)')}`), {
      headers: zoho(),
    });
    expect(at(exact.body, 'info', 'count')).toBe(1);
    // An unencoded "+" is a space after form decoding, as on the real API.
    const unencoded = await fetchJson(api('/crm/v8/Leads/search?criteria=(Mobile:equals:+48 600 000 001)'), { headers: zoho() });
    expect(unencoded.status).toBe(204);
    const malformed = await fetchJson(api(`/crm/v8/Leads/search?criteria=${encodeURIComponent('(Mobile:contains:1')}`), {
      headers: zoho(),
    });
    expect(malformed.status).toBe(400);
    expect(at(malformed.body, 'code')).toBe('INVALID_QUERY');
  });

  it('pages with page/per_page up to 2,000 records, then with page_token; If-Modified-Since returns only later changes', async () => {
    await fetchJson(api('/sim/generate'), json('POST', { count: 450 }));
    const seen = new Set<string>();
    let next: unknown = null;
    let page = 1;
    do {
      const query: string = next === null ? `page=${page}` : `page_token=${String(next)}`;
      const answer = await fetchJson(api(`/crm/v8/Contacts?fields=Last_Name,Mobile&per_page=200&sort_by=id&sort_order=asc&${query}`), {
        headers: zoho(),
      });
      expect(answer.status).toBe(200);
      for (const record of listAt(answer.body, 'data')) seen.add(String(at(record, 'id')));
      next = at(answer.body, 'info', 'more_records') === true ? at(answer.body, 'info', 'next_page_token') : null;
      page += 1;
    } while (next !== null);
    expect(seen.size).toBe(450);
    const tooFar = await fetchJson(api('/crm/v8/Contacts?fields=Last_Name&per_page=200&page=11'), { headers: zoho() });
    expect(tooFar.status).toBe(400);
    expect(at(tooFar.body, 'code')).toBe('DISCRETE_PAGINATION_LIMIT_EXCEEDED');

    sim.core.clock.advance(5_000);
    const cutoff = new Date(sim.core.now()).toISOString();
    expect(
      (await fetchJson(api('/crm/v8/Contacts?fields=Last_Name'), { headers: { ...zoho(), 'If-Modified-Since': cutoff } })).status,
    ).toBe(304);
    sim.core.clock.advance(2_000);
    const first = [...seen][0] ?? '';
    await fetchJson(api(`/crm/v8/Contacts/${first}`), json('PUT', { data: [{ First_Name: 'Changed' }] }, zoho()));
    const changed = await fetchJson(api('/crm/v8/Contacts?fields=First_Name,Modified_Time'), {
      headers: { ...zoho(), 'If-Modified-Since': cutoff },
    });
    expect(at(changed.body, 'info', 'count')).toBe(1);
    expect(at(changed.body, 'data', 0, 'First_Name')).toBe('Changed');
  });

  it('creates Deals and Notes linked to a contact, refusing unknown stages and parents', async () => {
    const contact = await insert('Contacts', [{ Last_Name: 'Colombo' }]);
    const contactId = String(at(contact.body, 'data', 0, 'details', 'id'));
    const deal = await insert('Deals', [{ Deal_Name: 'Sofa', Stage: 'Qualification', Amount: 1200, Contact_Name: { id: contactId } }]);
    expect(deal.status).toBe(201);
    const badStage = await insert('Deals', [{ Deal_Name: 'Sofa', Stage: 'Dreaming' }]);
    expect(at(badStage.body, 'data', 0, 'details', 'api_name')).toBe('Stage');
    const note = await insert('Notes', [
      { Note_Title: 'WhatsApp', Note_Content: 'Hi', Parent_Id: { module: { api_name: 'Contacts' }, id: contactId } },
    ]);
    expect(note.status).toBe(201);
    const noteId = String(at(note.body, 'data', 0, 'details', 'id'));
    const read = await fetchJson(api(`/crm/v8/Notes/${noteId}`), { headers: zoho() });
    expect(at(read.body, 'data', 0, 'Parent_Id', 'module', 'api_name')).toBe('Contacts');
    expect(at(read.body, 'data', 0, 'Parent_Id', 'name')).toBe('Colombo');
    const orphan = await insert('Notes', [{ Note_Content: 'x', Parent_Id: { module: { api_name: 'Contacts' }, id: '1' } }]);
    expect(orphan.status).toBe(400);
  });

  it('posts watch notifications with the channel token for changes made in the CRM UI and through the API', async () => {
    const receiver = await new CallbackReceiver().start('/zoho/notify?workspace=w1');
    try {
      const watch = await fetchJson(
        api('/crm/v8/actions/watch'),
        json(
          'POST',
          { watch: [{ channel_id: '1000000068001', events: ['Contacts.all'], notify_url: receiver.url, token: 'verify-me' }] },
          zoho(),
        ),
      );
      expect(watch.status).toBe(201);
      expect(at(watch.body, 'watch', 0, 'details', 'events', 0, 'resource_name')).toBe('Contacts');
      const ui = await fetchJson(api('/sim/ui/Contacts'), json('POST', { fields: { Last_Name: 'Ferrari', Mobile: '+393339999999' } }));
      const id = String(at(ui.body, 'id'));
      await fetchJson(api(`/sim/ui/Contacts/${id}`), json('PUT', { fields: { First_Name: 'Elena' } }));
      await sim.idle();
      await insert('Contacts', [{ Last_Name: 'From the API' }]);
      await sim.idle();
      const deliveries = await receiver.waitFor(3);
      const bodies = deliveries.map((delivery) => JSON.parse(delivery.raw));
      const operations = bodies.map((body) => at(body, 'operation'));
      expect(operations).toEqual(['insert', 'update', 'insert']);
      expect(at(bodies[1], 'affected_fields', 0, id)).toEqual(['First_Name']);
      expect(at(bodies[0], 'token')).toBe('verify-me');
      expect(at(bodies[0], 'channel_id')).toBe('1000000068001');
      expect(at(bodies[0], 'query_params', 'workspace')).toBe('w1');

      const tooLong = await fetchJson(
        api('/crm/v8/actions/watch'),
        json(
          'POST',
          {
            watch: [
              {
                channel_id: '2',
                events: ['Leads.all'],
                notify_url: receiver.url,
                channel_expiry: new Date(sim.core.now() + 3 * 86_400_000).toISOString(),
              },
            ],
          },
          zoho(),
        ),
      );
      expect(tooLong.status).toBe(400);
      sim.core.clock.advance(3_600_001);
      await fetchJson(api('/sim/ui/Contacts'), json('POST', { fields: { Last_Name: 'After expiry' } }));
      await sim.idle();
      expect(receiver.received.length).toBe(3);
    } finally {
      await receiver.stop();
    }
  });

  it('refuses calls past the 24-hour credits and past the concurrency limit with 429 TOO_MANY_REQUESTS', async () => {
    await sim.close();
    sim = await startZohoSimulator({
      oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: [REFRESH] },
      creditsPer24h: 3,
      concurrency: 2,
    });
    token = await refresh();
    for (let i = 0; i < 3; i += 1)
      expect((await fetchJson(api('/crm/v8/Contacts?fields=Last_Name'), { headers: zoho() })).status).toBe(204);
    const exhausted = await fetchJson(api('/crm/v8/Contacts?fields=Last_Name'), { headers: zoho() });
    expect(exhausted.status).toBe(429);
    expect(at(exhausted.body, 'code')).toBe('TOO_MANY_REQUESTS');
    sim.core.clock.advance(86_400_000);
    token = await refresh();
    await fetchJson(api('/sim/faults'), json('POST', { kind: 'slow', delayMs: 300, count: 2 }));
    const answers = await Promise.all([0, 1, 2].map(() => fetchJson(api('/crm/v8/Contacts?fields=Last_Name'), { headers: zoho() })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 204, 429]);
  });

  it('lists, changes and disables watch channels, and lists deleted records', async () => {
    const channel = { channel_id: '1000000068002', events: ['Leads.create'], notify_url: 'http://127.0.0.1:9/notify', token: 't1' };
    expect((await fetchJson(api('/crm/v8/actions/watch'), json('POST', { watch: [channel] }, zoho()))).status).toBe(201);
    const patched = await fetchJson(
      api('/crm/v8/actions/watch'),
      json('PATCH', { watch: [{ channel_id: '1000000068002', events: ['Leads.all', 'Tasks.edit'] }] }, zoho()),
    );
    expect(patched.status).toBe(200);
    const listed = await fetchJson(api('/crm/v8/actions/watch'), { headers: zoho() });
    expect(listAt(listed.body, 'watch').map((entry) => at(entry, 'resource_name'))).toEqual(['Leads', 'Tasks']);
    expect(at(listed.body, 'watch', 0, 'token')).toBe('t1');
    const unknown = await fetchJson(
      api('/crm/v8/actions/watch'),
      json('PATCH', { watch: [{ channel_id: '999', events: ['Leads.all'] }] }, zoho()),
    );
    expect(unknown.status).toBe(400);
    const disabled = await fetchJson(api('/crm/v8/actions/watch?channel_ids=1000000068002'), { method: 'DELETE', headers: zoho() });
    expect(at(disabled.body, 'watch', 0, 'code')).toBe('SUCCESS');
    expect((await fetchJson(api('/crm/v8/actions/watch'), { headers: zoho() })).status).toBe(204);

    const contact = await insert('Contacts', [{ Last_Name: 'Romano' }]);
    const contactId = String(at(contact.body, 'data', 0, 'details', 'id'));
    const task = await insert('Tasks', [
      { Subject: 'Call back on WhatsApp', Status: 'Not Started', Priority: 'High', Who_Id: { id: contactId }, Due_Date: '2024-06-01' },
    ]);
    expect(task.status).toBe(201);
    const badTask = await insert('Tasks', [{ Subject: 'x', Status: 'Someday' }]);
    expect(at(badTask.body, 'data', 0, 'details', 'api_name')).toBe('Status');
    const removed = await fetchJson(api(`/crm/v8/Contacts?ids=${contactId}`), { method: 'DELETE', headers: zoho() });
    expect(at(removed.body, 'data', 0, 'message')).toBe('record deleted');
    const deleted = await fetchJson(api('/crm/v8/Contacts/deleted?type=all'), { headers: zoho() });
    expect(at(deleted.body, 'data', 0, 'id')).toBe(contactId);
    expect(at(deleted.body, 'data', 0, 'display_name')).toBe('Romano');
    expect((await fetchJson(api(`/crm/v8/Contacts/${contactId}`), { headers: zoho() })).status).toBe(204);
  });

  it('simulates an outage and logs the calls the client made', async () => {
    await fetchJson(api('/sim/faults'), json('POST', { kind: 'outage', seconds: 600 }));
    expect((await fetchJson(api('/crm/v8/Contacts?fields=Last_Name'), { headers: zoho() })).status).toBe(503);
    sim.core.clock.advance(600_000);
    expect((await fetchJson(api('/crm/v8/Contacts?fields=Last_Name'), { headers: zoho() })).status).toBe(204);
    const calls = await fetchJson(api('/sim/calls?path=/crm/'));
    expect(listAt(calls.body, 'calls').map((call) => at(call, 'status'))).toEqual([503, 204]);
  });
});
