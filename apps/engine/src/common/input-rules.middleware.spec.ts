import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';
import { changedTables, snapshotTables } from '../test-support/table-snapshot';
import { INPUT_LIMITS } from './input-rules';

/** JSON with `leaf` nested `depth` levels deep, built as text (so the test itself never recurses). */
function deepJson(depth: number, leaf = '1'): string {
  return '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}

describe('the input rule on the HTTP API (NUL, lone surrogates, limits)', () => {
  let h: EngineHarness;
  let flowId: string;
  let contactId: string;
  let token: string;

  beforeAll(async () => {
    h = await startEngineHarness();
    const created = await h.workspace.admin.post('/api/flows', { name: 'Price', definition: priceReplyFlow() });
    flowId = str(obj(created.body)['id']);
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393330001234', name: 'Anna', text: 'hello' });
    await h.settle();
    contactId = str(obj(arr(obj((await h.workspace.admin.get('/api/contacts')).body)['data'])[0])['id']);
    token = h.workspace.admin.token ?? '';
  });
  afterAll(async () => {
    await h.close();
  });

  /** Sends `body` as raw JSON text (so lone surrogates and NULs travel as JSON escapes, exactly as a client would send them). */
  async function send(method: string, path: string, body?: string, signedIn = true) {
    const response = await fetch(`${h.url}${path}`, {
      method,
      headers: {
        ...(signedIn ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: obj(JSON.parse(text)) };
  }

  const nul = JSON.stringify('a\u0000b');
  const lone = '"x\\ud800y"';
  const node = (label: string) =>
    JSON.stringify({ ...priceReplyFlow(), nodes: priceReplyFlow().nodes.map((n, i) => (i === 0 ? { ...n, label: '@@' } : n)) }).replace(
      '"@@"',
      label,
    );

  const cases = (): { name: string; method: string; path: string; body?: string; field: string; in: string; anonymous?: boolean }[] => [
    { name: 'flow name', method: 'POST', path: '/api/flows', body: `{"name":${nul}}`, field: 'name', in: 'body' },
    {
      name: 'flow description',
      method: 'POST',
      path: '/api/flows',
      body: `{"name":"ok","description":${lone}}`,
      field: 'description',
      in: 'body',
    },
    {
      name: 'node label (create)',
      method: 'POST',
      path: '/api/flows',
      body: `{"name":"ok","definition":${node(nul)}}`,
      field: 'definition.nodes.0.label',
      in: 'body',
    },
    {
      name: 'node label (save)',
      method: 'PUT',
      path: `/api/flows/${'FLOW'}`,
      body: `{"revision":1,"definition":${node(lone)}}`,
      field: 'definition.nodes.0.label',
      in: 'body',
    },
    {
      name: 'login email',
      method: 'POST',
      path: '/api/auth/login',
      body: `{"email":${nul},"password":"x"}`,
      field: 'email',
      in: 'body',
      anonymous: true,
    },
    {
      name: 'CRM event id',
      method: 'POST',
      path: '/api/crm/events',
      body: `{"type":"store.visited","id":${nul},"contact":{"waId":"393330009999"}}`,
      field: 'id',
      in: 'body',
    },
    {
      name: 'CRM contact name',
      method: 'POST',
      path: '/api/crm/events',
      body: `{"type":"store.visited","id":"e1","contact":{"waId":"393330009999","firstName":${lone}}}`,
      field: 'contact.firstName',
      in: 'body',
    },
    {
      name: 'CRM event data',
      method: 'POST',
      path: '/api/crm/events',
      body: `{"type":"store.visited","id":"e2","contact":{"waId":"393330009999"},"data":{"note":${nul}}}`,
      field: 'data.note',
      in: 'body',
    },
    {
      name: 'contact field',
      method: 'PATCH',
      path: '/api/contacts/CONTACT',
      body: `{"firstName":"Anna","fields":{"note":${nul}}}`,
      field: 'fields.note',
      in: 'body',
    },
    { name: 'contact search', method: 'GET', path: '/api/contacts?search=a%00b', field: 'search', in: 'query' },
    { name: 'execution error code', method: 'GET', path: '/api/executions?errorCode=%00', field: 'errorCode', in: 'query' },
    {
      name: 'contact pause reason',
      method: 'POST',
      path: '/api/contacts/CONTACT/pause',
      body: `{"reason":${nul}}`,
      field: 'reason',
      in: 'body',
    },
    {
      name: 'workspace pause reason',
      method: 'POST',
      path: '/api/automation/pause',
      body: `{"reason":${lone}}`,
      field: 'reason',
      in: 'body',
    },
    { name: 'agent message', method: 'POST', path: '/api/contacts/CONTACT/messages', body: `{"text":${nul}}`, field: 'text', in: 'body' },
    { name: 'API key name', method: 'POST', path: '/api/api-keys', body: `{"name":${lone}}`, field: 'name', in: 'body' },
    { name: 'route parameter', method: 'GET', path: '/api/flow-templates/a%00b', field: 'id', in: 'path' },
    { name: 'route parameter (uuid)', method: 'GET', path: '/api/contacts/%00', field: 'id', in: 'path' },
  ];

  it('answers 400 naming the field for NUL characters and lone surrogates in every kind of input, and stores nothing', async () => {
    for (const c of cases()) {
      const before = await snapshotTables(h.dataSource, { contents: true });
      const path = c.path.replace('FLOW', flowId).replace('CONTACT', contactId);
      const response = await send(c.method, path, c.body, c.anonymous !== true);
      const issues = arr(response.body['issues']).map(obj);
      expect({ case: c.name, status: response.status, field: issues[0]?.['path'], in: issues[0]?.['in'] }).toEqual({
        case: c.name,
        status: 400,
        field: c.field,
        in: c.in,
      });
      expect(str(response.body['message'])).toContain(c.field);
      expect({ case: c.name, changed: changedTables(before, await snapshotTables(h.dataSource, { contents: true })) }).toEqual({
        case: c.name,
        changed: {},
      });
    }
  });

  it('refuses a condition nested 5,000 levels deep in a flow, naming the limit, before anything recursive runs', async () => {
    const flow = priceReplyFlow();
    const body = JSON.stringify({ name: 'Deep', definition: flow }).replace('"config":{', `"config":{"deep":${deepJson(5000)},`);
    for (const [method, path, text] of [
      ['POST', '/api/flows', body],
      ['PUT', `/api/flows/${flowId}`, body.replace('"name":"Deep"', '"revision":1')],
      ['PATCH', `/api/contacts/${contactId}`, `{"fields":{"profile":${deepJson(5000)}}}`],
    ] as const) {
      const before = await snapshotTables(h.dataSource, { contents: true });
      const response = await send(method, path, text);
      expect({ path, status: response.status, limit: obj(arr(response.body['issues'])[0])['limit'] }).toEqual({
        path,
        status: 400,
        limit: 'maxDepth',
      });
      expect(str(response.body['message'])).toContain(`nested deeper than ${INPUT_LIMITS.maxDepth} levels`);
      expect(changedTables(before, await snapshotTables(h.dataSource, { contents: true }))).toEqual({});
    }
  });

  it('names the limits on arrays, keys and strings', async () => {
    const many = `{"fields":{"list":[${new Array(INPUT_LIMITS.maxArrayLength + 1).fill('0').join(',')}]}}`;
    const keys = `{"fields":{${Array.from({ length: INPUT_LIMITS.maxKeys + 1 }, (_, i) => `"k${i}":1`).join(',')}}}`;
    const long = `{"fields":{"note":"${'x'.repeat(INPUT_LIMITS.maxStringLength + 1)}"}}`;
    for (const [body, limit, field] of [
      [many, 'maxArrayLength', 'fields.list'],
      [keys, 'maxKeys', 'fields'],
      [long, 'maxStringLength', 'fields.note'],
    ] as const) {
      const response = await send('PATCH', `/api/contacts/${contactId}`, body);
      expect({ status: response.status, issue: arr(response.body['issues'])[0] }).toEqual({
        status: 400,
        issue: { in: 'body', path: field, limit, message: expect.any(String) },
      });
    }
  });

  it('answers 413 naming API_MAX_BODY_BYTES for a body over the size limit', async () => {
    const response = await send('POST', '/api/flows', `{"name":"${'x'.repeat(h.config.API_MAX_BODY_BYTES)}"}`);
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ limit: 'API_MAX_BODY_BYTES', message: expect.stringContaining('API_MAX_BODY_BYTES') });
  });
});
