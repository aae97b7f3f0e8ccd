import { randomBytes } from 'node:crypto';
import type { ApiClient } from './test-support/api-client';
import { type EngineHarness, startEngineHarness, type TestWorkspace } from './test-support/engine-harness';
import { priceReplyFlow } from './test-support/flow-fixtures';
import { arr, obj, str } from './test-support/json';
import { registeredRoutes } from './test-support/registered-routes';
import type { UserRole } from './users/user-role';

type Access = 'public' | readonly UserRole[];

interface RouteCase {
  route: string;
  access: Access;
  /** Builds a fresh request (path and body) for one call. */
  request: () => Promise<{ path: string; body?: unknown }>;
}

const ALL: readonly UserRole[] = ['admin', 'marketer', 'support'];
const EDITORS: readonly UserRole[] = ['admin', 'marketer'];
const ADMIN: readonly UserRole[] = ['admin'];

describe('API access: roles, anonymous callers and workspaces', () => {
  let h: EngineHarness;
  let clients: Record<UserRole, ApiClient>;
  let flowId: string;
  let contactId: string;
  let executionId: string;
  let targetUserId: string;
  let numberId: string;
  let other: TestWorkspace;

  async function createFlow(client: ApiClient): Promise<string> {
    const response = await client.post('/api/flows', { name: `Flow ${randomBytes(3).toString('hex')}`, definition: priceReplyFlow() });
    expect(response.status).toBe(201);
    return str(obj(response.body)['id']);
  }

  beforeAll(async () => {
    h = await startEngineHarness();
    clients = { admin: h.workspace.admin, marketer: await h.workspace.user('marketer'), support: await h.workspace.user('support') };
    flowId = await createFlow(h.workspace.admin);
    expect((await h.workspace.admin.post(`/api/flows/${flowId}/publish`)).status).toBe(201);
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393330000099', name: 'Anna', text: 'price please' });
    await h.idle();
    contactId = str(obj(arr(obj((await h.workspace.admin.get('/api/contacts')).body)['data'])[0])['id']);
    executionId = str(obj(arr(obj((await h.workspace.admin.get('/api/executions')).body)['data'])[0])['id']);
    const users = arr(obj((await h.workspace.admin.get('/api/users')).body)['data']).map(obj);
    targetUserId = str(users.find((u) => u['role'] === 'support')?.['id']);
    numberId = str(obj(arr(obj((await h.workspace.admin.get('/api/whatsapp/numbers')).body)['data'])[0])['id']);
    other = await h.addWorkspace('Other workspace');
  });
  afterAll(async () => {
    await h.close();
  });

  const cases = (): RouteCase[] => [
    { route: 'GET /health/live', access: 'public', request: async () => ({ path: '/health/live' }) },
    { route: 'GET /health/ready', access: 'public', request: async () => ({ path: '/health/ready' }) },
    { route: 'POST /api/auth/login', access: 'public', request: async () => ({ path: '/api/auth/login', body: { email: 'nobody@example.com', password: 'x' } }) },
    { route: 'GET /webhooks/whatsapp', access: 'public', request: async () => ({ path: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42' }) },
    { route: 'POST /webhooks/whatsapp', access: 'public', request: async () => ({ path: '/webhooks/whatsapp', body: {} }) },
    { route: 'GET /api/auth/me', access: ALL, request: async () => ({ path: '/api/auth/me' }) },
    { route: 'POST /api/auth/logout', access: ALL, request: async () => ({ path: '/api/auth/logout' }) },
    { route: 'GET /api/audit', access: ADMIN, request: async () => ({ path: '/api/audit' }) },
    { route: 'GET /api/contacts', access: ALL, request: async () => ({ path: '/api/contacts' }) },
    { route: 'GET /api/contacts/:id', access: ALL, request: async () => ({ path: `/api/contacts/${contactId}` }) },
    { route: 'GET /api/executions', access: ALL, request: async () => ({ path: '/api/executions' }) },
    { route: 'GET /api/executions/:id', access: ALL, request: async () => ({ path: `/api/executions/${executionId}` }) },
    { route: 'GET /api/flows', access: ALL, request: async () => ({ path: '/api/flows' }) },
    { route: 'POST /api/flows', access: EDITORS, request: async () => ({ path: '/api/flows', body: { name: 'New flow' } }) },
    { route: 'GET /api/flows/:id', access: ALL, request: async () => ({ path: `/api/flows/${flowId}` }) },
    {
      route: 'PUT /api/flows/:id',
      access: EDITORS,
      request: async () => {
        const current = await h.workspace.admin.get(`/api/flows/${flowId}`);
        return { path: `/api/flows/${flowId}`, body: { revision: obj(current.body)['revision'], description: 'edited' } };
      },
    },
    { route: 'POST /api/flows/:id/publish', access: EDITORS, request: async () => ({ path: `/api/flows/${flowId}/publish`, body: {} }) },
    { route: 'POST /api/flows/:id/unpublish', access: EDITORS, request: async () => ({ path: `/api/flows/${flowId}/unpublish`, body: {} }) },
    { route: 'GET /api/flows/:id/versions', access: ALL, request: async () => ({ path: `/api/flows/${flowId}/versions` }) },
    { route: 'GET /api/flows/:id/versions/:version', access: ALL, request: async () => ({ path: `/api/flows/${flowId}/versions/1` }) },
    { route: 'GET /api/node-types', access: ALL, request: async () => ({ path: '/api/node-types' }) },
    { route: 'GET /api/users', access: ADMIN, request: async () => ({ path: '/api/users' }) },
    {
      route: 'POST /api/users',
      access: ADMIN,
      request: async () => ({ path: '/api/users', body: { email: `u${randomBytes(4).toString('hex')}@example.com`, password: 'long enough password', role: 'support' } }),
    },
    { route: 'PATCH /api/users/:id', access: ADMIN, request: async () => ({ path: `/api/users/${targetUserId}`, body: { role: 'support' } }) },
    { route: 'GET /api/whatsapp/numbers', access: ADMIN, request: async () => ({ path: '/api/whatsapp/numbers' }) },
    {
      route: 'POST /api/whatsapp/numbers',
      access: ADMIN,
      request: async () => ({ path: '/api/whatsapp/numbers', body: { phoneNumberId: String(Date.now()) + String(Math.floor(Math.random() * 1000)), accessToken: 'EAAG-new-token-123' } }),
    },
    { route: 'PUT /api/whatsapp/numbers/:id/token', access: ADMIN, request: async () => ({ path: `/api/whatsapp/numbers/${numberId}/token`, body: { accessToken: 'EAAG-rotated-token' } }) },
  ];

  it('lists every registered route (a new route must be added to this matrix)', () => {
    const listed = new Set(cases().map((c) => c.route));
    // Swagger's pages are guarded by their own middleware; /{*path} is Nest's not-found handler.
    const unlisted = registeredRoutes(h.app).filter((r) => !r.startsWith('GET /api/docs') && !r.endsWith(' /{*path}') && !listed.has(r));
    expect(unlisted).toEqual([]);
  });

  it('answers anonymous callers 401 on every route that is not public', async () => {
    for (const c of cases().filter((c) => c.access !== 'public')) {
      const { path, body } = await c.request();
      const response = await h.anonymous.request(c.route.split(' ')[0] ?? 'GET', path, body);
      expect({ route: c.route, status: response.status }).toEqual({ route: c.route, status: 401 });
    }
  });

  it('lets each role do what it may and refuses the rest with 403', async () => {
    for (const c of cases().filter((c) => c.access !== 'public')) {
      for (const role of ALL) {
        const { path, body } = await c.request();
        // Logging out ends the session, so it gets a session of its own.
        const client = c.route === 'POST /api/auth/logout' ? await h.workspace.user(role) : clients[role];
        const response = await client.request(c.route.split(' ')[0] ?? 'GET', path, body);
        const allowed = c.access !== 'public' && c.access.includes(role);
        const outcome = allowed ? response.status >= 200 && response.status < 300 : response.status === 403;
        expect({ route: c.route, role, status: response.status, outcome }).toEqual({ route: c.route, role, status: response.status, outcome: true });
      }
    }
  });

  it('keeps the API description for signed-in users', async () => {
    expect((await h.anonymous.get('/api/docs/openapi.json')).status).toBe(401);
    expect((await h.anonymous.get('/api/docs')).status).toBe(401);
    const docs = await clients.support.get('/api/docs/openapi.json');
    expect(docs.status).toBe(200);
    expect(Object.keys(obj(obj(docs.body)['paths']))).toEqual(expect.arrayContaining(['/api/flows', '/api/executions/{id}']));
  });

  it('does not let one workspace read or change another workspace’s data', async () => {
    const intruder = other.admin;
    const attempts: [string, string, unknown][] = [
      ['GET', `/api/flows/${flowId}`, undefined],
      ['PUT', `/api/flows/${flowId}`, { revision: 1, name: 'hijacked' }],
      ['POST', `/api/flows/${flowId}/publish`, {}],
      ['POST', `/api/flows/${flowId}/unpublish`, {}],
      ['GET', `/api/flows/${flowId}/versions`, undefined],
      ['GET', `/api/flows/${flowId}/versions/1`, undefined],
      ['GET', `/api/executions/${executionId}`, undefined],
      ['GET', `/api/contacts/${contactId}`, undefined],
      ['PATCH', `/api/users/${targetUserId}`, { disabled: true }],
      ['PUT', `/api/whatsapp/numbers/${numberId}/token`, { accessToken: 'stolen-token-123' }],
    ];
    for (const [method, path, body] of attempts) {
      const response = await intruder.request(method, path, body);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
    }
    for (const path of ['/api/flows', '/api/executions', '/api/contacts', '/api/users', '/api/whatsapp/numbers', '/api/audit']) {
      const ids = arr(obj((await intruder.get(path)).body)['data']).map((row) => obj(row)['id']);
      expect({ path, leaked: ids.filter((id) => [flowId, executionId, contactId, targetUserId, numberId].includes(str(id))) }).toEqual({ path, leaked: [] });
    }
    const flow = obj((await h.workspace.admin.get(`/api/flows/${flowId}`)).body);
    expect(flow['name']).not.toBe('hijacked');
    const users = arr(obj((await h.workspace.admin.get('/api/users')).body)['data']).map(obj);
    expect(users.find((u) => u['id'] === targetUserId)?.['disabled']).toBe(false);
  });

  it('never returns access tokens', async () => {
    const numbers = await h.workspace.admin.get('/api/whatsapp/numbers');
    expect(JSON.stringify(numbers.body)).not.toMatch(/token-|EAAG/);
    const stored: unknown = await h.dataSource.query('SELECT access_token_enc FROM whatsapp_numbers');
    for (const row of arr(stored)) expect(str(obj(row)['access_token_enc'])).toMatch(/^v1:/);
  });
});
