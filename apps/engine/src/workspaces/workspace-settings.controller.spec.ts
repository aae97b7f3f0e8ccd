import type { ApiClient } from '../test-support/api-client';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { changedTables, snapshotTables } from '../test-support/table-snapshot';

const CUSTOM = {
  timeZone: 'Europe/Rome',
  takeoverHours: 4,
  intents: { stop: ['basta cosi', 'fermati'] },
  httpAllowList: ['10.0.0.0/8'],
  messaging: { dailyRecipientLimit: 1000, quietHours: { enabled: true, start: '22:00', end: '07:30' } },
};

describe('workspace settings: a change keeps every setting it does not name', () => {
  let h: EngineHarness;
  let admin: ApiClient;

  beforeAll(async () => {
    h = await startEngineHarness();
    admin = h.workspace.admin;
  });
  afterAll(async () => {
    await h.close();
  });

  async function settings(): Promise<Record<string, unknown>> {
    return obj((await admin.get('/api/workspace/settings')).body);
  }

  async function reset(): Promise<void> {
    expect((await admin.request('PATCH', '/api/workspace/settings', CUSTOM)).status).toBe(200);
  }

  it('PATCH of one field keeps the time zone, the STOP words, the daily limit and the allow list', async () => {
    await reset();
    const response = await admin.request('PATCH', '/api/workspace/settings', { takeoverHours: 6 });
    expect(response.status).toBe(200);
    const after = await settings();
    expect(after).toMatchObject({ ...CUSTOM, takeoverHours: 6 });
    expect(obj(after['effectiveIntents'])['stop']).toEqual(['basta cosi', 'fermati']);
  });

  it('a nested PATCH keeps its siblings at every depth', async () => {
    await reset();
    expect((await admin.request('PATCH', '/api/workspace/settings', { messaging: { quietHours: { enabled: false } } })).status).toBe(200);
    const after = await settings();
    expect(obj(after['messaging'])).toMatchObject({
      dailyRecipientLimit: 1000,
      quietHours: { enabled: false, start: '22:00', end: '07:30' },
    });
    expect(after['takeoverHours']).toBe(4);
    expect(after['timeZone']).toBe('Europe/Rome');
  });

  it('PATCH of one intent keeps the others', async () => {
    await reset();
    expect((await admin.request('PATCH', '/api/workspace/settings', { intents: { price: ['quanto'] } })).status).toBe(200);
    expect(obj((await settings())['intents'])).toEqual({ stop: ['basta cosi', 'fermati'], price: ['quanto'] });
  });

  it('keeps STOP and intent keywords per language: a language given replaces only that language, the defaults stay visible', async () => {
    await reset();
    const defaults = obj(obj((await settings())['defaultIntentKeywordsByLanguage'])['stop']);
    expect(defaults).toMatchObject({ en: ['stop', 'unsubscribe'], it: ['annulla', 'disiscrivimi', 'basta'] });
    expect((await admin.request('PATCH', '/api/workspace/settings', { intents: { stop: { it: ['fermati', 'basta così'] } } })).status).toBe(
      200,
    );
    expect((await admin.request('PATCH', '/api/workspace/settings', { intents: { stop: { de: ['halt'] } } })).status).toBe(200);
    const after = await settings();
    expect(obj(after['intents'])['stop']).toEqual({ it: ['fermati', 'basta così'], de: ['halt'] });
    const stop = obj(obj(after['effectiveIntentKeywordsByLanguage'])['stop']);
    expect(stop).toMatchObject({ en: ['stop', 'unsubscribe'], it: ['fermati', 'basta così'], de: ['halt'], fr: ['désabonner'] });
    const flat = arr(obj(after['effectiveIntents'])['stop']);
    expect(flat).toEqual(expect.arrayContaining(['stop', 'fermati', 'halt', '退订']));
    expect(flat).not.toContain('annulla');
    // The audit entry names exactly the language that changed.
    const [entry] = await h.sql(`SELECT details FROM audit_log WHERE action = 'workspace.settings_updated' ORDER BY id DESC LIMIT 1`);
    expect(JSON.stringify(entry?.['details'])).toContain('intents.stop.de');
    expect(JSON.stringify(entry?.['details'])).not.toContain('intents.stop.it');
    // A language that is not one is refused, naming it, and nothing changes.
    const bad = await admin.request('PATCH', '/api/workspace/settings', { intents: { stop: { klingon: ['qaq'] } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('klingon');
    expect(obj(obj(await settings())['intents'])['stop']).toEqual({ it: ['fermati', 'basta così'], de: ['halt'] });
  });

  it('refuses a partial PUT with a 400 naming the missing fields, and changes nothing', async () => {
    await reset();
    const before = await snapshotTables(h.dataSource, { contents: true });
    const response = await admin.put('/api/workspace/settings', { takeoverHours: 6 });
    expect(response.status).toBe(400);
    const missing = arr(obj(response.body)['issues']).map((i) => str(obj(i)['path']));
    expect(missing).toEqual(expect.arrayContaining(['timeZone', 'intents', 'httpAllowList', 'messaging']));
    expect(str(obj(response.body)['message'])).toContain('timeZone: is missing');
    expect(changedTables(before, await snapshotTables(h.dataSource, { contents: true }))).toEqual({});
    expect(await settings()).toMatchObject(CUSTOM);
  });

  it('takes a complete PUT (what GET answers, edited) and replaces the settings with it', async () => {
    await reset();
    const current = await settings();
    const response = await admin.put('/api/workspace/settings', { ...current, takeoverHours: 8, httpAllowList: [] });
    expect(response.status).toBe(200);
    expect(await settings()).toMatchObject({ ...CUSTOM, takeoverHours: 8, httpAllowList: [] });
  });

  it('refuses unknown fields at any depth, naming them', async () => {
    const response = await admin.request('PATCH', '/api/workspace/settings', { takeoverHour: 6, messaging: { quietHour: {} } });
    expect(response.status).toBe(400);
    expect(arr(obj(response.body)['issues']).map((i) => obj(i)['path'])).toEqual(
      expect.arrayContaining(['takeoverHour', 'messaging.quietHour']),
    );
  });

  it('audits exactly what changed, before and after, and nothing when nothing changed', async () => {
    await reset();
    const auditCount = async () => h.count('audit_log', `action = 'workspace.settings_updated'`);
    const start = await auditCount();
    expect(
      (await admin.request('PATCH', '/api/workspace/settings', { takeoverHours: 5, messaging: { quietHours: { end: '08:00' } } })).status,
    ).toBe(200);
    const [entry] = await h.sql(`SELECT details FROM audit_log WHERE action = 'workspace.settings_updated' ORDER BY id DESC LIMIT 1`);
    expect(obj(entry?.['details'])).toEqual({
      mode: 'merge',
      changes: [
        { field: 'messaging.quietHours.end', before: '07:30', after: '08:00' },
        { field: 'takeoverHours', before: 4, after: 5 },
      ],
    });
    expect(await auditCount()).toBe(start + 1);
    expect((await admin.request('PATCH', '/api/workspace/settings', { takeoverHours: 5 })).status).toBe(200);
    expect(await auditCount()).toBe(start + 1);
  });
});
