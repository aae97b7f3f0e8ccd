import { at, fetchJson, json, listAt } from '../common/fetch-json.spec-helper';
import { idChecksum } from './salesforce-ids';
import { type RunningSalesforceSimulator, startSalesforceSimulator } from './salesforce-server';

const CLIENT_ID = '3MVG9sim';
const CLIENT_SECRET = 'sf-secret';
const REFRESH = '5Aep861sim';
const V = '/services/data/v62.0';

describe('Salesforce simulator', () => {
  let sim: RunningSalesforceSimulator;
  let token = '';
  const api = (path: string) => `${sim.url}${path}`;
  const bearer = () => ({ authorization: `Bearer ${token}` });
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  async function refresh(): Promise<string> {
    const answer = await fetchJson(
      api('/services/oauth2/token'),
      form({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: REFRESH }),
    );
    expect(answer.status).toBe(200);
    return String(at(answer.body, 'access_token'));
  }

  beforeEach(async () => {
    sim = await startSalesforceSimulator({
      oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: [REFRESH], sessionTtlSeconds: 600 },
    });
    token = await refresh();
  });
  afterEach(async () => {
    await sim.close();
  });

  async function create(sobject: string, fields: Record<string, unknown>): Promise<string> {
    const answer = await fetchJson(api(`${V}/sobjects/${sobject}`), json('POST', fields, bearer()));
    expect(answer.status).toBe(201);
    return String(at(answer.body, 'id'));
  }

  it('issues tokens with instance_url and a verifiable signature; bad grants get OAuth errors', async () => {
    const answer = await fetchJson(
      api('/services/oauth2/token'),
      form({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: REFRESH }),
    );
    expect(at(answer.body, 'instance_url')).toBe(sim.url);
    expect(at(answer.body, 'token_type')).toBe('Bearer');
    expect(at(answer.body, 'expires_in')).toBeUndefined();
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', CLIENT_SECRET)
      .update(`${String(at(answer.body, 'id'))}${String(at(answer.body, 'issued_at'))}`)
      .digest('base64');
    expect(at(answer.body, 'signature')).toBe(expected);
    const bad = await fetchJson(
      api('/services/oauth2/token'),
      form({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: 'nope' }),
    );
    expect(bad.status).toBe(400);
    expect(at(bad.body, 'error')).toBe('invalid_grant');
    const client = await fetchJson(
      api('/services/oauth2/token'),
      form({ grant_type: 'refresh_token', client_id: 'x', client_secret: CLIENT_SECRET, refresh_token: REFRESH }),
    );
    expect(at(client.body, 'error')).toBe('invalid_client_id');
  });

  it('runs the authorize redirect and the code, password and revoke flows', async () => {
    await sim.close();
    sim = await startSalesforceSimulator({
      oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, username: 'api@example.com', password: 'pw-123456' },
    });
    const authorize = await fetch(
      api(
        `/services/oauth2/authorize?response_type=code&client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/cb')}&state=xyz`,
      ),
      { redirect: 'manual' },
    );
    const location = new URL(authorize.headers.get('location') ?? '');
    expect(location.searchParams.get('state')).toBe('xyz');
    const exchanged = await fetchJson(
      api('/services/oauth2/token'),
      form({
        grant_type: 'authorization_code',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uri: 'http://127.0.0.1:9/cb',
        code: location.searchParams.get('code') ?? '',
      }),
    );
    const refreshToken = String(at(exchanged.body, 'refresh_token'));
    const viaRefresh = await fetchJson(
      api('/services/oauth2/token'),
      form({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken }),
    );
    expect(viaRefresh.status).toBe(200);
    const password = await fetchJson(
      api('/services/oauth2/token'),
      form({
        grant_type: 'password',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        username: 'api@example.com',
        password: 'pw-123456',
      }),
    );
    expect(password.status).toBe(200);
    const wrongPassword = await fetchJson(
      api('/services/oauth2/token'),
      form({ grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, username: 'api@example.com', password: 'nope' }),
    );
    expect(at(wrongPassword.body, 'error_description')).toBe('authentication failure');
    expect((await fetchJson(api('/services/oauth2/revoke'), form({ token: refreshToken }))).status).toBe(200);
    const revoked = await fetchJson(
      api('/services/oauth2/token'),
      form({ grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken }),
    );
    expect(at(revoked.body, 'error')).toBe('invalid_grant');
    const calls = await fetchJson(api('/sim/calls?path=/services/oauth2/token'));
    expect(JSON.stringify(calls.body)).not.toContain('pw-123456');
  });

  it('answers 401 INVALID_SESSION_ID for missing or expired sessions, until the client refreshes', async () => {
    const none = await fetchJson(api(`${V}/limits`));
    expect(none.status).toBe(401);
    expect(none.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    sim.core.clock.advance(600_000);
    expect((await fetchJson(api(`${V}/limits`), { headers: bearer() })).status).toBe(401);
    token = await refresh();
    expect((await fetchJson(api(`${V}/limits`), { headers: bearer() })).status).toBe(200);
  });

  it('creates, reads, updates and deletes records with 18-character ids and Salesforce error arrays', async () => {
    const id = await create('Contact', { FirstName: 'Anna', LastName: 'Rossi', Phone_E164__c: '+393331234567' });
    expect(id).toMatch(/^003[a-zA-Z0-9]{15}$/);
    expect(id.slice(15)).toBe(idChecksum(id.slice(0, 15)));
    const read = await fetchJson(api(`${V}/sobjects/Contact/${id.slice(0, 15)}?fields=Name,Phone_E164__c,SystemModstamp`), {
      headers: bearer(),
    });
    expect(at(read.body, 'attributes', 'type')).toBe('Contact');
    expect(at(read.body, 'Name')).toBe('Anna Rossi');
    expect(String(at(read.body, 'SystemModstamp'))).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect((await fetchJson(api(`${V}/sobjects/Contact/${id}`), json('PATCH', { FirstName: 'Annie' }, bearer()))).status).toBe(204);

    const missing = await fetchJson(api(`${V}/sobjects/Contact`), json('POST', { FirstName: 'No last name' }, bearer()));
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual([
      { message: 'Required fields are missing: [LastName]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] },
    ]);
    const readOnly = await fetchJson(
      api(`${V}/sobjects/Contact/${id}`),
      json('PATCH', { SystemModstamp: '2024-01-01T00:00:00Z' }, bearer()),
    );
    expect(at(readOnly.body, 0, 'errorCode')).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    const unknown = await fetchJson(api(`${V}/sobjects/Contact`), json('POST', { LastName: 'x', Foo__c: 1 }, bearer()));
    expect(at(unknown.body, 0, 'errorCode')).toBe('INVALID_FIELD');
    const opportunity = await fetchJson(
      api(`${V}/sobjects/Opportunity`),
      json('POST', { Name: 'Sofa', StageName: 'Dreaming', CloseDate: '2024-06-01' }, bearer()),
    );
    expect(at(opportunity.body, 0, 'errorCode')).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const task = await fetchJson(
      api(`${V}/sobjects/Task`),
      json('POST', { Subject: 'WhatsApp chat', WhoId: '003000000000000AAA' }, bearer()),
    );
    expect(at(task.body, 0, 'errorCode')).toBe('INVALID_CROSS_REFERENCE_KEY');
    const malformed = await fetchJson(api(`${V}/sobjects/Contact`), {
      method: 'POST',
      headers: { ...bearer(), 'content-type': 'application/json' },
      body: '{"LastName":',
    });
    expect(at(malformed.body, 0, 'errorCode')).toBe('JSON_PARSER_ERROR');
    expect(sim.core.store.count('Contact')).toBe(1);

    const opportunityId = await create('Opportunity', { Name: 'Sofa', StageName: 'Prospecting', CloseDate: '2024-06-01', ContactId: id });
    const taskId = await create('Task', {
      Subject: 'WhatsApp chat',
      Description: 'Hi!',
      WhoId: id,
      WhatId: opportunityId,
      TaskSubtype: 'Call',
    });
    const taskRead = await fetchJson(api(`${V}/sobjects/Task/${taskId}`), { headers: bearer() });
    expect(at(taskRead.body, 'Status')).toBe('Not Started');
    expect(at(taskRead.body, 'WhoId')).toBe(id);

    expect((await fetchJson(api(`${V}/sobjects/Contact/${id}`), { method: 'DELETE', headers: bearer() })).status).toBe(204);
    expect((await fetchJson(api(`${V}/sobjects/Contact/${id}`), { headers: bearer() })).status).toBe(404);
  });

  it('upserts by external id: 201 created, 200 updated, 300 with the list when several records match', async () => {
    const upsert = (value: string, fields: Record<string, unknown>) =>
      fetchJson(api(`${V}/sobjects/Contact/Phone_E164__c/${encodeURIComponent(value)}`), json('PATCH', fields, bearer()));
    const created = await upsert('+393330000001', { LastName: 'Rossi' });
    expect(created.status).toBe(201);
    expect(at(created.body, 'created')).toBe(true);
    const id = String(at(created.body, 'id'));
    const updated = await upsert('+393330000001', { FirstName: 'Marco' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ id, success: true, errors: [], created: false });

    await create('Contact', { LastName: 'Twin', Phone_E164__c: '+393330000001' });
    const ambiguous = await upsert('+393330000001', { FirstName: 'Who' });
    expect(ambiguous.status).toBe(300);
    const urls = listAt(ambiguous.body);
    expect(urls).toHaveLength(2);
    expect(urls).toContain(`${V}/sobjects/Contact/${id}`);
    expect((await fetchJson(api(`${V}/sobjects/Contact/${id}`), { headers: bearer() })).body).toMatchObject({ FirstName: 'Marco' });

    const inBody = await upsert('+393330000002', { LastName: 'X', Phone_E164__c: '+393330000002' });
    expect(inBody.status).toBe(400);
    const notExternal = await fetchJson(api(`${V}/sobjects/Contact/Email/a@b.c`), json('PATCH', { LastName: 'X' }, bearer()));
    expect(notExternal.status).toBe(404);
    expect(at(notExternal.body, 0, 'errorCode')).toBe('NOT_FOUND');
  });

  it('polls by SystemModstamp with SOQL and follows nextRecordsUrl', async () => {
    await fetchJson(api('/sim/generate'), json('POST', { count: 450 }));
    const since = new Date(sim.core.now()).toISOString();
    sim.core.clock.advance(1_000);
    const changed = await fetchJson(
      api('/sim/ui/Contact'),
      json('POST', { fields: { LastName: 'New in the UI', Phone_E164__c: '+48600000001' } }),
    );
    expect(changed.status).toBe(201);

    const q = (soql: string, headers: Record<string, string> = {}) =>
      fetchJson(api(`${V}/query?q=${encodeURIComponent(soql)}`), { headers: { ...bearer(), ...headers } });
    const delta = await q(
      `SELECT Id, LastName, SystemModstamp FROM Contact WHERE SystemModstamp > ${since} ORDER BY SystemModstamp ASC, Id ASC`,
    );
    expect(at(delta.body, 'totalSize')).toBe(1);
    expect(at(delta.body, 'records', 0, 'LastName')).toBe('New in the UI');

    const all = await q('SELECT Id, Phone_E164__c FROM Contact ORDER BY SystemModstamp ASC', { 'Sforce-Query-Options': 'batchSize=200' });
    expect(at(all.body, 'totalSize')).toBe(451);
    expect(at(all.body, 'done')).toBe(false);
    const seen = new Set(listAt(all.body, 'records').map((record) => String(at(record, 'Id'))));
    let next = at(all.body, 'nextRecordsUrl');
    while (typeof next === 'string') {
      const pageAnswer = await fetchJson(api(next), { headers: bearer() });
      for (const record of listAt(pageAnswer.body, 'records')) seen.add(String(at(record, 'Id')));
      next = at(pageAnswer.body, 'nextRecordsUrl');
    }
    expect(seen.size).toBe(451);

    const count = await q("SELECT COUNT() FROM Contact WHERE LastName LIKE 'new%' OR Phone_E164__c IN ('+48600000001')");
    expect(at(count.body, 'totalSize')).toBe(1);
    const badField = await q('SELECT Id, Favourite__c FROM Contact');
    expect(at(badField.body, 0, 'errorCode')).toBe('INVALID_FIELD');
    const mixed = await q("SELECT Id FROM Contact WHERE LastName = 'a' AND FirstName = 'b' OR Id = null");
    expect(at(mixed.body, 0, 'errorCode')).toBe('MALFORMED_QUERY');
    const quotedDate = await q(`SELECT Id FROM Contact WHERE SystemModstamp > '${since}'`);
    expect(at(quotedDate.body, 0, 'errorCode')).toBe('INVALID_FIELD');
    const badType = await q('SELECT Id FROM Widget__c');
    expect(at(badType.body, 0, 'errorCode')).toBe('INVALID_TYPE');
    const staleCursor = await fetchJson(api(`${V}/query/01gSm9999999999-2000`), { headers: bearer() });
    expect(at(staleCursor.body, 0, 'errorCode')).toBe('INVALID_QUERY_LOCATOR');
  });

  it('reports deletions through queryAll and getDeleted, and changes through getUpdated', async () => {
    const start = new Date(sim.core.now() - 60_000).toISOString();
    const id = await create('Lead', { LastName: 'Gone', Company: 'Acme' });
    await fetchJson(api(`${V}/sobjects/Lead/${id}`), { method: 'DELETE', headers: bearer() });
    const end = new Date(sim.core.now() + 60_000).toISOString();
    const deleted = await fetchJson(api(`${V}/sobjects/Lead/deleted/?start=${start}&end=${end}`), { headers: bearer() });
    expect(at(deleted.body, 'deletedRecords', 0, 'id')).toBe(id);
    const all = await fetchJson(api(`${V}/queryAll?q=${encodeURIComponent('SELECT Id, IsDeleted FROM Lead')}`), { headers: bearer() });
    expect(at(all.body, 'records', 0, 'IsDeleted')).toBe(true);
    const live = await fetchJson(api(`${V}/query?q=${encodeURIComponent('SELECT Id FROM Lead')}`), { headers: bearer() });
    expect(at(live.body, 'totalSize')).toBe(0);
    const contact = await create('Contact', { LastName: 'Kept' });
    const updated = await fetchJson(api(`${V}/sobjects/Contact/updated/?start=${start}&end=${end}`), { headers: bearer() });
    expect(listAt(updated.body, 'ids')).toEqual([contact]);
  });

  it('creates and upserts up to 200 records per call with sObject Collections (allOrNone rolls back)', async () => {
    const created = await fetchJson(
      api(`${V}/composite/sobjects`),
      json(
        'POST',
        {
          allOrNone: false,
          records: [
            { attributes: { type: 'Contact' }, LastName: 'A' },
            { attributes: { type: 'Contact' }, FirstName: 'no last name' },
          ],
        },
        bearer(),
      ),
    );
    expect(created.status).toBe(200);
    expect(at(created.body, 0, 'success')).toBe(true);
    expect(at(created.body, 1, 'errors', 0, 'statusCode')).toBe('REQUIRED_FIELD_MISSING');
    const rolledBack = await fetchJson(
      api(`${V}/composite/sobjects`),
      json(
        'POST',
        { allOrNone: true, records: [{ attributes: { type: 'Contact' }, LastName: 'B' }, { attributes: { type: 'Contact' } }] },
        bearer(),
      ),
    );
    expect(at(rolledBack.body, 0, 'errors', 0, 'statusCode')).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(sim.core.store.count('Contact')).toBe(1);
    const upserted = await fetchJson(
      api(`${V}/composite/sobjects/Contact/Phone_E164__c`),
      json('PATCH', { allOrNone: false, records: [{ attributes: { type: 'Contact' }, Phone_E164__c: '+391', LastName: 'C' }] }, bearer()),
    );
    expect(at(upserted.body, 0, 'created')).toBe(true);
    const tooMany = await fetchJson(
      api(`${V}/composite/sobjects`),
      json('POST', { records: Array.from({ length: 201 }, () => ({ attributes: { type: 'Contact' }, LastName: 'x' })) }, bearer()),
    );
    expect(at(tooMany.body, 0, 'errorCode')).toBe('EXCEEDED_ID_LIMIT');
    expect(sim.core.store.count('Contact')).toBe(2);
  });

  it('reports API usage in Sforce-Limit-Info on every answer and refuses past the daily allocation with 403 REQUEST_LIMIT_EXCEEDED', async () => {
    await sim.close();
    sim = await startSalesforceSimulator({
      oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshTokens: [REFRESH] },
      dailyApiRequests: 3,
    });
    token = await refresh();
    const first = await fetchJson(api(`${V}/limits`), { headers: bearer() });
    expect(first.headers.get('sforce-limit-info')).toBe('api-usage=1/3');
    expect(at(first.body, 'DailyApiRequests', 'Remaining')).toBe(2);
    const notFound = await fetchJson(api(`${V}/sobjects/Contact/003000000000000AAA`), { headers: bearer() });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('sforce-limit-info')).toBe('api-usage=2/3');
    await fetchJson(api(`${V}/limits`), { headers: bearer() });
    const refused = await fetchJson(api(`${V}/limits`), { headers: bearer() });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    sim.core.clock.advance(86_400_000);
    token = await refresh();
    expect((await fetchJson(api(`${V}/limits`), { headers: bearer() })).status).toBe(200);
  });

  it('lists API versions, refuses unknown ones, simulates outages and logs calls', async () => {
    const versions = await fetchJson(api('/services/data'));
    expect(listAt(versions.body).some((version) => at(version, 'version') === '62.0')).toBe(true);
    expect(at(listAt(versions.body).at(-1), 'label')).toBe("Spring '26");
    expect((await fetchJson(api('/services/data/v99.0/limits'), { headers: bearer() })).status).toBe(404);
    await fetchJson(api('/sim/faults'), json('POST', { kind: 'outage', seconds: 600 }));
    const down = await fetchJson(api(`${V}/limits`), { headers: bearer() });
    expect(down.status).toBe(503);
    expect(at(down.body, 0, 'errorCode')).toBe('SERVER_UNAVAILABLE');
    sim.core.clock.advance(600_000);
    token = await refresh();
    expect((await fetchJson(api(`${V}/limits`), { headers: bearer() })).status).toBe(200);
    const calls = await fetchJson(api(`/sim/calls?path=${V}`));
    expect(listAt(calls.body, 'calls').map((call) => at(call, 'status'))).toEqual([503, 200]);
  });
});
