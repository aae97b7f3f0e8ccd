import { buildFlow } from '@parley/flow-templates';
import { type EngineHarness, startEngineHarness } from './test-support/engine-harness';
import { priceReplyFlow } from './test-support/flow-fixtures';
import { arr, obj, str } from './test-support/json';
import { registeredRoutes } from './test-support/registered-routes';
import { changedTables, snapshotTables, type TableSnapshot } from './test-support/table-snapshot';

/**
 * Every registered route of the REST API, called by every kind of caller
 * (anonymous, admin, marketer, support, an API key) with malformed ids,
 * query strings and bodies: NUL characters, lone surrogates, 10 MB strings,
 * JSON nested 5,000 deep, wrong types, unknown fields, negative and huge
 * numbers, truncated JSON. No answer may be a 5xx, and an answer in the 4xx
 * range must leave the row count of every table as it was.
 *
 * The sample is deterministic: each (route, caller) pair gets CASES_PER_CALLER
 * cases from a PRNG seeded with SEED and the pair's name, bodies built from
 * the route's documented request schema (so most cases get past the first
 * check and reach deeper code) and then broken in one to three places. A
 * failure prints the route, caller and case number; the same SEED replays it.
 */
const SEED = 20261206;
const CASES_PER_CALLER = 8;
/** One case in this many (per route, for the admin) is a body of 10 MB. */
const HUGE_BODY_CASE = 0;
const CALLERS = ['anonymous', 'admin', 'marketer', 'support', 'apiKey'] as const;
type Caller = (typeof CALLERS)[number];

/** mulberry32: small, seedable, good enough to spread cases. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Placeholders swapped for raw JSON text after JSON.stringify (what JSON.stringify cannot write). */
const RAW: Record<string, string> = {
  '"@@DEEP@@"': '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
  '"@@DEEPARRAY@@"': '['.repeat(5000) + ']'.repeat(5000),
  '"@@INFINITY@@"': '1e400',
};

const JUNK_VALUES: (() => unknown)[] = [
  () => 'nul\u0000byte',
  () => 'lone \ud800 surrogate',
  () => '\udc00',
  () => 'x'.repeat(100_001),
  () => '@@DEEP@@',
  () => '@@DEEPARRAY@@',
  () => '@@INFINITY@@',
  () => -1,
  () => 0,
  () => -1e308,
  () => 1e308,
  () => 2 ** 53 + 1,
  () => 1.5,
  () => null,
  () => true,
  () => [],
  () => ({}),
  () => '',
  () => ' ',
  () => 'not-a-uuid',
  () => '00000000-0000-0000-0000-000000000000',
  () => '2026-02-30T25:61:00Z',
  () => new Array(10_001).fill(0),
  () => Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, i])),
  () => JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  () => '<script>alert(1)</script>',
  () => "'; DROP TABLE contacts; --",
  () => '😀'.repeat(50),
];

const RAW_BODIES: (() => string)[] = [
  () => '',
  () => 'null',
  () => '[]',
  () => '"text"',
  () => '42',
  () => '{',
  () => '{"a":1,}',
  () => '{"a":"\\u0000"}',
  () => '{"a":"\\ud800"}',
  () => '{"\\u0000":1}',
  () => '{"a":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5001),
  () => '['.repeat(100_000) + ']'.repeat(100_000),
];

const JUNK_IDS = [
  '00000000-0000-4000-8000-000000000000',
  'not-a-uuid',
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%F0%9F%98%80',
  'x'.repeat(3000),
  '-1',
  '0',
  '99999999999999999999999',
  '1e400',
  '%2E%2E',
  'null',
  '%25',
];

const JUNK_QUERY_VALUES = ['%00', 'a%00b', '-1', '0', '1e400', '99999999999999999999', '', 'x'.repeat(5000), 'true', '%ED%A0%80', 'null'];

interface Fixtures {
  params: Record<string, string>;
  uuid: string;
}

/** A plausible value for a JSON Schema, so a mutated body gets past the first checks and reaches deeper code. */
function exampleOf(schema: unknown, random: () => number, fixtures: Fixtures, depth = 0): unknown {
  if (!isRecord(schema) || depth > 8) return 'x';
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][Math.floor(random() * schema['enum'].length)];
  if ('const' in schema) return schema['const'];
  for (const key of ['anyOf', 'oneOf']) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0)
      return exampleOf(options[Math.floor(random() * options.length)], random, fixtures, depth + 1);
  }
  const types = Array.isArray(schema['type']) ? schema['type'].filter((t) => t !== 'null') : [schema['type']];
  const type = types[Math.floor(random() * types.length)];
  switch (type) {
    case 'object': {
      const properties = isRecord(schema['properties']) ? schema['properties'] : {};
      const required = Array.isArray(schema['required']) ? schema['required'] : [];
      const value: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(properties)) {
        if (required.includes(key) || random() < 0.6) value[key] = exampleOf(property, random, fixtures, depth + 1);
      }
      return value;
    }
    case 'array':
      return Array.from({ length: Math.floor(random() * 3) }, () => exampleOf(schema['items'], random, fixtures, depth + 1));
    case 'integer':
    case 'number': {
      const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
      const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : min + 100;
      return type === 'integer' ? Math.ceil(min) : min + (max - min) / 2;
    }
    case 'boolean':
      return random() < 0.5;
    case 'string': {
      switch (schema['format']) {
        case 'uuid':
          return fixtures.uuid;
        case 'email':
          return 'someone@example.com';
        case 'date-time':
          return new Date().toISOString();
        case 'date':
          return '2026-01-31';
        case 'uri':
          return 'https://example.com/a';
      }
      const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 1;
      return typeof schema['pattern'] === 'string' && /\\d/.test(schema['pattern'])
        ? '3933300000'.padEnd(Math.max(min, 10), '0')
        : 'x'.repeat(Math.max(min, 3));
    }
    default:
      return random() < 0.5 ? 'x' : 1;
  }
}

/** Replaces, deletes or adds one value somewhere in `value`. */
function mutate(value: unknown, random: () => number, depth = 0): unknown {
  const junk = () => JUNK_VALUES[Math.floor(random() * JUNK_VALUES.length)]?.();
  if (Array.isArray(value)) {
    if (value.length === 0 || random() < 0.2) return random() < 0.5 ? [junk()] : junk();
    const copy = [...value];
    const index = Math.floor(random() * copy.length);
    copy[index] = mutate(copy[index], random, depth + 1);
    return copy;
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    const roll = random();
    if (keys.length === 0 || roll < 0.15) return { ...value, [`unknown_${Math.floor(random() * 100)}`]: junk() };
    const key = keys[Math.floor(random() * keys.length)] ?? '';
    if (roll < 0.25) return Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
    if (roll < 0.3 + depth * 0.1) return junk();
    return { ...value, [key]: mutate(value[key], random, depth + 1) };
  }
  return junk();
}

function rawJson(value: unknown): string {
  let text = JSON.stringify(value) ?? 'null';
  for (const [placeholder, raw] of Object.entries(RAW)) text = text.split(placeholder).join(raw);
  return text;
}

interface Case {
  path: string;
  body?: string;
  contentType?: string;
}

describe('REST API fuzzing: every route, every caller, malformed input', () => {
  let h: EngineHarness;
  let tokens: Record<'admin' | 'marketer' | 'support', string>;
  let apiKey: string;
  let fixtures: Fixtures;
  let document: Record<string, unknown>;
  const passwords = 'correct horse battery staple';
  const emails: Record<string, string> = {};

  beforeAll(async () => {
    // The scheduler's background work (a template sync of a number a fuzz call created) would change tables between a call and its check.
    h = await startEngineHarness({
      env: { SCHEDULER_INTERVAL_MS: '3600000', CRM_SYNC_INTERVAL_MS: '600000', CRM_PUSH_ON_CHANGE: 'false' },
    });
    const admin = h.workspace.admin;
    const marketer = await h.workspace.user('marketer');
    const support = await h.workspace.user('support');
    tokens = { admin: admin.token ?? '', marketer: marketer.token ?? '', support: support.token ?? '' };
    for (const [role, client] of Object.entries({ admin, marketer, support })) {
      emails[role] = str(obj(obj((await client.get('/api/auth/me')).body)['user'])['email']);
    }
    apiKey = str(obj((await admin.post('/api/api-keys', { name: 'fuzz' })).body)['key']);
    const spareKey = str(obj((await admin.post('/api/api-keys', { name: 'spare' })).body)['id']);
    const flowId = str(obj((await admin.post('/api/flows', { name: 'Price', definition: priceReplyFlow() })).body)['id']);
    expect((await admin.post(`/api/flows/${flowId}/publish`)).status).toBe(201);
    const hookFlow = str(
      obj(
        (
          await admin.post('/api/flows', {
            name: 'Hook',
            definition: buildFlow(
              [
                {
                  id: 't',
                  type: 'trigger.incoming_webhook',
                  config: { phonePath: 'phone', defaultCountry: 'IT', namePath: null },
                  at: [0, 0],
                },
                { id: 'e', type: 'control.end', config: {}, at: [0, 1] },
              ],
              [['t', 'next', 'e']],
            ),
          })
        ).body,
      )['id'],
    );
    expect((await admin.post(`/api/flows/${hookFlow}/publish`)).status).toBe(201);
    const hookToken = new URL(str(obj((await admin.get(`/api/flows/${hookFlow}/webhook`)).body)['url'])).pathname.split('/').pop() ?? '';
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393330007777', name: 'Fuzz', text: 'price?' });
    await h.settle();
    const contactId = str(obj(arr(obj((await admin.get('/api/contacts')).body)['data'])[0])['id']);
    const executionId = str(obj(arr(obj((await admin.get('/api/executions')).body)['data'])[0])['id']);
    const target = await h.workspace.user('support');
    const targetUserId = str(obj(obj((await target.get('/api/auth/me')).body)['user'])['id']);
    const numberId = str(obj(arr(obj((await admin.get('/api/whatsapp/numbers')).body)['data'])[0])['id']);
    // Synced now, so the scheduler's first sync of a never-synced number cannot land in the middle of a case.
    expect((await admin.post(`/api/whatsapp/numbers/${numberId}/templates/sync`)).status).toBeLessThan(300);
    const [template] = await h.sql(
      `INSERT INTO whatsapp_templates (workspace_id, waba_id, name, language, category, status) SELECT workspace_id, waba_id, 'hello_world', 'en', 'UTILITY', 'APPROVED' FROM whatsapp_numbers WHERE id = $1 RETURNING id`,
      [numberId],
    );
    const [notification] = await h.sql(
      `INSERT INTO notifications (workspace_id, user_id, kind, title) SELECT workspace_id, id, 'test', 'hello' FROM users WHERE email = $1 RETURNING id`,
      [emails['admin']],
    );
    const [conversation] = await h.sql('SELECT id FROM conversations LIMIT 1');
    const cannedReply = str(
      obj((await admin.post('/api/canned-replies', { shortcut: 'fuzz', text: 'Hello {{contact.first_name}}' })).body)['id'],
    );
    const crmConnection = str(
      obj(
        (
          await admin.post('/api/crm/connections', {
            provider: 'hubspot',
            name: 'Fuzz',
            settings: { baseUrl: 'http://127.0.0.1:9', searchLagMs: 0 },
            secrets: { privateAppToken: 'pat-fuzz' },
          })
        ).body,
      )['id'],
    );
    const [crmConflict] = await h.sql(
      `INSERT INTO crm_conflicts (workspace_id, connection_id, contact_id, field, local_value, local_changed_at, remote_value, remote_changed_at, remote_source, winner)
       SELECT workspace_id, $1, id, 'lastName', 'A', now(), 'B', now(), 'hubspot', 'remote' FROM contacts WHERE id = $2 RETURNING id`,
      [crmConnection, contactId],
    );
    const productId = str(
      obj((await admin.post('/api/products', { code: 'FUZZ-1', name: 'Fuzz product', aliases: ['fuzzy'] })).body)['id'],
    );
    const [unmappedName] = await h.sql(
      `INSERT INTO unmapped_product_names (workspace_id, name_key, name, source) SELECT workspace_id, 'fuzzname', 'Fuzz name', 'order' FROM contacts WHERE id = $1 RETURNING id`,
      [contactId],
    );
    fixtures = {
      uuid: contactId,
      params: {
        '/api/flows/:id': flowId,
        '/api/flows/:id/versions/:version': '1',
        '/api/contacts/:id': contactId,
        '/api/executions/:id': executionId,
        '/api/users/:id': targetUserId,
        '/api/whatsapp/numbers/:id': numberId,
        '/api/whatsapp/templates/:id': str(template?.['id']),
        '/api/api-keys/:id': spareKey,
        '/api/notifications/:id': str(notification?.['id']),
        '/api/flow-templates/:id': 'high-intent',
        '/api/conversations/:id': str(conversation?.['id']),
        '/api/canned-replies/:id': cannedReply,
        '/api/crm/connections/:id': crmConnection,
        '/api/crm/conflicts/:id': str(crmConflict?.['id']),
        '/api/products/:id': productId,
        '/api/unmapped-product-names/:id': str(unmappedName?.['id']),
        '/hooks/:token': hookToken,
      },
    };
    document = obj((await h.anonymous.get('/api/docs/openapi.json')).body);
  }, 180_000);
  afterAll(async () => {
    await h.close();
  });

  function documented(method: string, path: string): Record<string, unknown> {
    const item = obj(document['paths'])[path.replace(/:([A-Za-z]+)/g, '{$1}')];
    const operation = isRecord(item) ? item[method.toLowerCase()] : undefined;
    return isRecord(operation) ? operation : {};
  }

  /** The path with each parameter a fixture (a real id of the right kind) or a malformed one. */
  function pathFor(path: string, random: () => number): string {
    return path.replace(/:([A-Za-z]+)/g, (_match, name: string, offset: number) => {
      const prefix = `${path.slice(0, offset)}:${name}`;
      const fixture = fixtures.params[prefix];
      if (fixture !== undefined && random() < 0.5) return fixture;
      return JUNK_IDS[Math.floor(random() * JUNK_IDS.length)] ?? 'x';
    });
  }

  function queryFor(operation: Record<string, unknown>, random: () => number): string {
    const names = (Array.isArray(operation['parameters']) ? operation['parameters'] : [])
      .filter(isRecord)
      .filter((p) => p['in'] === 'query')
      .map((p) => String(p['name']));
    const parts: string[] = [];
    for (let i = Math.floor(random() * 3); i >= 0; i -= 1) {
      const roll = random();
      const name =
        roll < 0.8 && names.length > 0 ? (names[Math.floor(random() * names.length)] ?? 'x') : ['zzz', 'a[b]', '%00', 'limit'][i % 4];
      const value = JUNK_QUERY_VALUES[Math.floor(random() * JUNK_QUERY_VALUES.length)] ?? '';
      parts.push(`${name}=${value}`);
      if (random() < 0.1) parts.push(`${name}=${value}`);
    }
    return parts.length > 0 ? `?${parts.join('&')}` : '';
  }

  function caseFor(method: string, path: string, index: number, random: () => number): Case {
    const operation = documented(method, path);
    const url = pathFor(path, random) + (random() < 0.5 ? queryFor(operation, random) : '');
    // fetch sends no body with a GET; a DELETE sometimes gets one it does not expect.
    const takesBody = ['POST', 'PUT', 'PATCH'].includes(method) || (method === 'DELETE' && random() < 0.3);
    if (!takesBody) return { path: url };
    if (index === HUGE_BODY_CASE && random() < 0.25) return { path: url, body: `{"a":"${'x'.repeat(10 * 1024 * 1024)}"}` };
    const roll = random();
    if (roll < 0.15) return { path: url, body: RAW_BODIES[Math.floor(random() * RAW_BODIES.length)]?.() ?? '' };
    if (roll < 0.2) return { path: url, body: '{"a":1}', contentType: random() < 0.5 ? 'text/plain' : 'application/json; charset=utf-16' };
    const requestBody = operation['requestBody'];
    const jsonBody = isRecord(requestBody) ? obj(requestBody['content'])['application/json'] : undefined;
    // A route that takes a file (an upload) gets the JSON cases too: it must refuse them cleanly.
    const schema = isRecord(jsonBody) ? obj(jsonBody['schema']) : { type: 'object' };
    let value = exampleOf(schema, random, fixtures);
    for (let m = 1 + Math.floor(random() * 3); m > 0; m -= 1) value = mutate(value, random);
    return { path: url, body: rawJson(value) };
  }

  async function headersFor(caller: Caller, route: string): Promise<Record<string, string>> {
    if (caller === 'anonymous') return {};
    if (caller === 'apiKey') return { 'x-api-key': apiKey };
    // Signing out ends the session it is called with, so each call gets a session of its own.
    if (route === 'POST /api/auth/logout') {
      const login = await h.anonymous.post('/api/auth/login', { email: emails[caller], password: passwords });
      return { authorization: `Bearer ${str(obj(login.body)['token'])}` };
    }
    return { authorization: `Bearer ${tokens[caller]}` };
  }

  it('never answers 5xx, and a 4xx changes no table', async () => {
    const routes = registeredRoutes(h.app).filter((r) => !r.startsWith('GET /api/docs') && !r.endsWith(' /{*path}'));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const refusedConnections: string[] = [];
    let baseline: TableSnapshot = await snapshotTables(h.dataSource);
    let calls = 0;
    for (const route of routes) {
      const [method = 'GET', path = '/'] = route.split(' ');
      for (const caller of CALLERS) {
        const random = prng(SEED ^ hash(`${route} ${caller}`));
        for (let index = 0; index < CASES_PER_CALLER; index += 1) {
          const c = caseFor(method, path, index, random);
          const headers: Record<string, string> = await headersFor(caller, route);
          // The sign-in that made a session for the logout case is not the call under test.
          if (route === 'POST /api/auth/logout') baseline = await snapshotTables(h.dataSource);
          if (c.body !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
          const label = `${route} as ${caller}, case ${index} (${c.path.slice(0, 120)}${c.body !== undefined ? ` ${c.body.slice(0, 120)}` : ''})`;
          let status: number;
          let text: string;
          try {
            const response = await fetch(`${h.url}${c.path}`, { method, headers, body: c.body });
            status = response.status;
            // The live stream never ends: its headers are the answer.
            if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
              await response.body?.cancel();
              text = '';
            } else {
              text = await response.text();
            }
          } catch (error) {
            // The server may close the connection on what it refuses outright (a 10 MB body, a URL longer than Node takes).
            status = 499;
            text = String(error);
            refusedConnections.push(`${label}: ${text}`);
          }
          calls += 1;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500) failures.push(`${label}: ${status} ${text.slice(0, 300)}`);
          if (status >= 200 && status < 300) {
            await h.settle();
            baseline = await snapshotTables(h.dataSource);
          } else {
            const after = await snapshotTables(h.dataSource);
            const changed = changedTables(baseline, after);
            // A failed sign-in is counted for the lockout, and audited for a known account, by design.
            if (route === 'POST /api/auth/login') {
              delete changed['login_attempts'];
              delete changed['audit_log'];
            }
            if (Object.keys(changed).length > 0) failures.push(`${label}: ${status} but changed ${JSON.stringify(changed)}`);
            baseline = after;
          }
        }
      }
    }
    // What the sample got, for whoever reads the log.
    process.stdout.write(
      `REST fuzz: ${calls} calls, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}\n`,
    );
    expect(failures).toEqual([]);
    expect(calls).toBe(routes.length * CALLERS.length * CASES_PER_CALLER);
    // Only 10 MB bodies may end with the connection closed (Node answers 413 and stops reading).
    expect(refusedConnections.filter((r) => !r.includes('{"a":"xxxxxxxx'))).toEqual([]);
    // The sample reaches past the guards: refusals of several kinds, and some calls that succeed.
    for (const status of [400, 401, 403, 404]) expect({ status, seen: (statuses.get(status) ?? 0) > 0 }).toEqual({ status, seen: true });
    expect([...statuses.entries()].filter(([s]) => s >= 200 && s < 300).reduce((n, [, count]) => n + count, 0)).toBeGreaterThan(20);
  }, 600_000);
});
