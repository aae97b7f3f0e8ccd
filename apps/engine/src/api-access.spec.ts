import { buildFlow } from '@parley/flow-templates';
import { randomBytes } from 'node:crypto';
import type { ApiClient } from './test-support/api-client';
import { type EngineHarness, startEngineHarness, type TestWorkspace } from './test-support/engine-harness';
import { priceReplyFlow } from './test-support/flow-fixtures';
import { arr, obj, str } from './test-support/json';
import { eventually } from './test-support/eventually';
import { ReportWeeklyService } from './reports/report-weekly.service';
import { ReportWordAlertsService } from './reports/report-word-alerts.service';
import { registeredRoutes } from './test-support/registered-routes';
import { openStream } from './test-support/sse-client';
import type { UserRole } from './users/user-role';

type Access = 'public' | readonly UserRole[];

interface RouteCase {
  route: string;
  access: Access;
  /** Builds a fresh request (path and body) for one call by `role` (anonymous calls pass none). */
  request: (role?: UserRole) => Promise<{ path: string; body?: unknown }>;
  /** For routes that are not JSON (an upload, the event stream): makes the call itself and answers its status. */
  call?: (client: ApiClient, path: string) => Promise<number>;
}

const SUPPORT: readonly UserRole[] = ['admin', 'support'];

const ALL: readonly UserRole[] = ['admin', 'marketer', 'support'];
const EDITORS: readonly UserRole[] = ['admin', 'marketer'];
const ADMIN: readonly UserRole[] = ['admin'];
const CRM_CONNECTION = {
  provider: 'hubspot',
  name: 'Access test',
  settings: { baseUrl: 'http://127.0.0.1:9', searchLagMs: 0 },
  secrets: { privateAppToken: 'pat-access-test' },
};

describe('API access: roles, anonymous callers and workspaces', () => {
  let h: EngineHarness;
  let clients: Record<UserRole, ApiClient>;
  let flowId: string;
  let contactId: string;
  let executionId: string;
  let targetUserId: string;
  let numberId: string;
  let other: TestWorkspace;
  let manualFlowId: string;
  let hookFlowId: string;
  let waitFlowId: string;
  let hookPath: string;
  let userIds: Record<UserRole, string>;
  let templateId: string;
  let conversationId: string;
  let mediaId: string;

  async function createFlow(client: ApiClient): Promise<string> {
    const response = await client.post('/api/flows', { name: `Flow ${randomBytes(3).toString('hex')}`, definition: priceReplyFlow() });
    expect(response.status).toBe(201);
    return str(obj(response.body)['id']);
  }

  beforeAll(async () => {
    // The scheduler's first template sync of the never-synced number would replace the registry (and its template) mid-matrix on a slow machine.
    h = await startEngineHarness({ env: { SCHEDULER_INTERVAL_MS: '3600000' } });
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
    // Synced now, so the scheduler's first sync of a never-synced number cannot remove the template below mid-matrix.
    expect((await h.workspace.admin.post(`/api/whatsapp/numbers/${numberId}/templates/sync`)).status).toBeLessThan(300);
    const [template] = await h.sql(
      `INSERT INTO whatsapp_templates (workspace_id, waba_id, name, language, category, status) SELECT workspace_id, waba_id, 'hello_world', 'en', 'UTILITY', 'APPROVED' FROM whatsapp_numbers WHERE id = $1 RETURNING id`,
      [numberId],
    );
    templateId = str(template?.['id']);
    // The periodic template sync would replace this hand-made template with Meta's (the simulator's) list when a slow run lasts past its interval.
    await h.sql(
      `WITH later AS (UPDATE whatsapp_numbers SET templates_synced_at = now() + interval '1 day' WHERE id = $1 RETURNING id) SELECT id FROM later`,
      [numberId],
    );
    conversationId = str((await h.sql('SELECT id FROM conversations WHERE contact_id = $1', [contactId]))[0]?.['id']);
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393330000099', message: { type: 'image' } });
    await h.settle();
    mediaId = await eventually(async () => {
      const [row] = await h.sql(`SELECT id FROM media_files WHERE status = 'stored' LIMIT 1`);
      return typeof row?.['id'] === 'string' ? row['id'] : undefined;
    }, 'the image to be kept');
    userIds = { admin: '', marketer: '', support: '' };
    for (const role of ALL) userIds[role] = str(obj(obj((await clients[role].get('/api/auth/me')).body)['user'])['id']);

    const publish = async (document: unknown) => {
      const id = str(obj((await h.workspace.admin.post('/api/flows', { name: 'fixture', definition: document })).body)['id']);
      expect((await h.workspace.admin.post(`/api/flows/${id}/publish`)).status).toBe(201);
      return id;
    };
    manualFlowId = await publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.manual', config: {}, at: [0, 0] },
          { id: 'e', type: 'control.end', config: {}, at: [0, 1] },
        ],
        [['t', 'next', 'e']],
      ),
    );
    hookFlowId = await publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.incoming_webhook', config: { phonePath: 'phone', defaultCountry: 'IT', namePath: null }, at: [0, 0] },
          { id: 'e', type: 'control.end', config: {}, at: [0, 1] },
        ],
        [['t', 'next', 'e']],
      ),
    );
    hookPath = new URL(str(obj((await h.workspace.admin.get(`/api/flows/${hookFlowId}/webhook`)).body)['url'])).pathname;
    // A send the simulator will refuse, for the retry route.
    await publish(priceReplyFlow('A reply that will fail', 'failme'));
    waitFlowId = await publish(
      buildFlow(
        [
          {
            id: 't',
            type: 'trigger.inbound_message',
            config: { match: 'keyword', keywords: ['waitme'], mode: 'contains', caseSensitive: false },
            at: [0, 0],
          },
          { id: 'w', type: 'timing.wait_for_event', config: { eventType: 'order.created', filter: {}, timeout: null }, at: [0, 1] },
        ],
        [['t', 'next', 'w']],
        { reentry: 'parallel' },
      ),
    );
  });

  let counter = 0;
  /** A fresh test run waiting for an event, for the skip-wait route. */
  async function waitingTestRun(): Promise<string> {
    counter += 1;
    const run = await h.workspace.admin.post(`/api/flows/${waitFlowId}/test-runs`, {
      customer: { waId: `3933322${String(counter).padStart(5, '0')}` },
    });
    expect(run.status).toBe(201);
    await h.settle();
    return str(obj(run.body)['executionId']);
  }

  /** A fresh empty flow, for routes that archive or delete one. */
  async function newFlow(): Promise<string> {
    const created = await h.workspace.admin.post('/api/flows', { name: 'Untitled flow' });
    expect(created.status).toBe(201);
    return str(obj(created.body)['id']);
  }

  /** A fresh execution in the given state, for routes that act on one. */
  async function executionIn(state: 'waiting' | 'failed'): Promise<string> {
    counter += 1;
    const waId = `3933311${String(counter).padStart(5, '0')}`;
    if (state === 'failed') {
      await fetch(`${h.simulator.url}/sim/faults`, {
        method: 'POST',
        body: JSON.stringify({ to: waId, kind: 'graph_error', code: 131026 }),
      });
    }
    await h.simulator.customerSends({
      phoneNumberId: h.workspace.phoneNumberId,
      from: waId,
      text: state === 'failed' ? 'failme' : 'waitme',
    });
    await h.settle();
    const [row] = await h.sql(
      `SELECT e.id FROM executions e JOIN contacts c ON c.id = e.contact_id WHERE c.wa_id = $1 AND e.status = $2 ORDER BY e.started_at DESC LIMIT 1`,
      [waId, state],
    );
    return str(row?.['id']);
  }
  afterAll(async () => {
    await h.close();
  });

  const cases = (): RouteCase[] => [
    { route: 'GET /health/live', access: 'public', request: async () => ({ path: '/health/live' }) },
    { route: 'GET /health/ready', access: 'public', request: async () => ({ path: '/health/ready' }) },
    // Without METRICS_TOKEN, callers on this machine (as the tests are); metrics.spec.ts covers the token.
    { route: 'GET /metrics', access: 'public', request: async () => ({ path: '/metrics' }) },
    {
      route: 'POST /api/auth/login',
      access: 'public',
      request: async () => ({ path: '/api/auth/login', body: { email: 'nobody@example.com', password: 'x' } }),
    },
    {
      route: 'GET /webhooks/whatsapp',
      access: 'public',
      request: async () => ({ path: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42' }),
    },
    { route: 'POST /webhooks/whatsapp', access: 'public', request: async () => ({ path: '/webhooks/whatsapp', body: {} }) },
    // Signed by HubSpot (v3) instead of a session; crm/hubspot-webhook/hubspot-webhook.spec.ts covers the signature.
    {
      route: 'POST /webhooks/hubspot/:connectionId',
      access: 'public',
      request: async () => ({ path: '/webhooks/hubspot/0b9e3c38-7f0e-4a57-9d53-6a8f1c0e0009', body: [] }),
    },
    // Checked by the Zoho notification channel's token instead of a session; crm/zoho-notifications/zoho-notifications.spec.ts covers it.
    {
      route: 'POST /webhooks/zoho/:connectionId',
      access: 'public',
      request: async () => ({
        path: '/webhooks/zoho/0b9e3c38-7f0e-4a57-9d53-6a8f1c0e0009',
        body: { module: 'Contacts', ids: [], operation: 'update', channel_id: '1', token: 'x' },
      }),
    },
    { route: 'GET /api/auth/me', access: ALL, request: async () => ({ path: '/api/auth/me' }) },
    { route: 'POST /api/auth/logout', access: ALL, request: async () => ({ path: '/api/auth/logout' }) },
    // Switching to the workspace the session is in already changes nothing, so the matrix's clients stay where they are.
    {
      route: 'POST /api/auth/workspace',
      access: ALL,
      request: async () => ({ path: '/api/auth/workspace', body: { workspaceId: h.workspace.id } }),
    },
    { route: 'GET /api/audit', access: ADMIN, request: async () => ({ path: '/api/audit' }) },
    { route: 'GET /api/audit/verify', access: ADMIN, request: async () => ({ path: '/api/audit/verify' }) },
    {
      route: 'GET /api/audit/export.csv',
      access: ADMIN,
      request: async () => ({ path: '/api/audit/export.csv?action=flow.' }),
      call: async (client, path) => (await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${client.token}` } })).status,
    },
    { route: 'GET /api/executions/health', access: ALL, request: async () => ({ path: '/api/executions/health' }) },
    { route: 'GET /api/executions/views', access: ALL, request: async () => ({ path: '/api/executions/views' }) },
    {
      route: 'POST /api/executions/views',
      access: ALL,
      request: async () => ({
        path: '/api/executions/views',
        body: { name: `View ${randomBytes(3).toString('hex')}`, query: 'status=failed' },
      }),
    },
    {
      route: 'DELETE /api/executions/views/:id',
      access: ALL,
      request: async (role) => {
        const created = await clients[role ?? 'admin'].post('/api/executions/views', {
          name: `V ${randomBytes(3).toString('hex')}`,
          query: '',
        });
        return { path: `/api/executions/views/${str(obj(created.body)['id'])}` };
      },
    },
    {
      route: 'POST /api/executions/bulk/preview',
      access: ADMIN,
      request: async () => ({ path: '/api/executions/bulk/preview', body: { action: 'retry', filter: { status: 'failed' } } }),
    },
    {
      route: 'POST /api/executions/bulk/jobs',
      access: ADMIN,
      request: async (role) => ({ path: '/api/executions/bulk/jobs', body: await bulkStart(role) }),
    },
    { route: 'GET /api/executions/bulk/jobs', access: ADMIN, request: async () => ({ path: '/api/executions/bulk/jobs' }) },
    {
      route: 'GET /api/executions/bulk/jobs/:id',
      access: ADMIN,
      request: async () => ({ path: `/api/executions/bulk/jobs/${await bulkJob()}` }),
    },
    { route: 'GET /api/contacts', access: ALL, request: async () => ({ path: '/api/contacts' }) },
    { route: 'GET /api/contacts/:id', access: ALL, request: async () => ({ path: `/api/contacts/${contactId}` }) },
    { route: 'GET /api/contacts/:id/messages', access: ALL, request: async () => ({ path: `/api/contacts/${contactId}/messages` }) },
    { route: 'GET /api/contacts/:id/export', access: ADMIN, request: async () => ({ path: `/api/contacts/${contactId}/export` }) },
    {
      route: 'POST /api/contacts/:id/erase',
      access: ADMIN,
      request: async () => ({ path: `/api/contacts/${await throwawayContact()}/erase`, body: { confirm: 'erase' } }),
    },
    { route: 'GET /api/executions', access: ALL, request: async () => ({ path: '/api/executions' }) },
    { route: 'GET /api/executions/:id', access: ALL, request: async () => ({ path: `/api/executions/${executionId}` }) },
    {
      route: 'GET /api/executions/:id/flow-version',
      access: ALL,
      request: async () => ({ path: `/api/executions/${executionId}/flow-version` }),
    },
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
    {
      route: 'POST /api/flows/:id/unpublish',
      access: EDITORS,
      request: async () => ({ path: `/api/flows/${flowId}/unpublish`, body: {} }),
    },
    { route: 'POST /api/flows/:id/archive', access: EDITORS, request: async () => ({ path: `/api/flows/${await newFlow()}/archive` }) },
    {
      route: 'POST /api/flows/:id/restore',
      access: EDITORS,
      request: async () => {
        const id = await newFlow();
        await h.workspace.admin.post(`/api/flows/${id}/archive`, {});
        return { path: `/api/flows/${id}/restore` };
      },
    },
    { route: 'DELETE /api/flows/:id', access: EDITORS, request: async () => ({ path: `/api/flows/${await newFlow()}` }) },
    { route: 'GET /api/flows/:id/versions', access: ALL, request: async () => ({ path: `/api/flows/${flowId}/versions` }) },
    { route: 'GET /api/flows/:id/versions/:version', access: ALL, request: async () => ({ path: `/api/flows/${flowId}/versions/1` }) },
    { route: 'GET /api/node-types', access: ALL, request: async () => ({ path: '/api/node-types' }) },
    { route: 'GET /api/flow-templates', access: ALL, request: async () => ({ path: '/api/flow-templates' }) },
    { route: 'GET /api/flow-templates/:id', access: ALL, request: async () => ({ path: '/api/flow-templates/high-intent' }) },
    { route: 'GET /api/users', access: ADMIN, request: async () => ({ path: '/api/users' }) },
    {
      route: 'POST /api/users',
      access: ADMIN,
      request: async () => ({
        path: '/api/users',
        body: { email: `u${randomBytes(4).toString('hex')}@example.com`, password: 'long enough password', role: 'support' },
      }),
    },
    {
      route: 'PATCH /api/users/:id',
      access: ADMIN,
      request: async () => ({ path: `/api/users/${targetUserId}`, body: { role: 'support' } }),
    },
    {
      route: 'POST /api/users/:id/password-reset',
      access: ADMIN,
      // A user of its own: the reset ends their sessions, and the matrix's clients must keep theirs.
      request: async () => ({ path: `/api/users/${await spareUser()}/password-reset` }),
    },
    { route: 'GET /api/installation', access: ALL, request: async () => ({ path: '/api/installation' }) },
    { route: 'GET /api/installation/workspaces', access: ADMIN, request: async () => ({ path: '/api/installation/workspaces' }) },
    {
      route: 'POST /api/installation/workspaces',
      access: ADMIN,
      request: async () => ({
        path: '/api/installation/workspaces',
        body: { name: 'Branch', admin: { email: `w${randomBytes(4).toString('hex')}@example.com` } },
      }),
    },
    {
      route: 'POST /api/installation/workspaces/:id/members',
      access: ADMIN,
      request: async () => ({
        path: `/api/installation/workspaces/${other.id}/members`,
        body: { email: await spareEmail(), role: 'support' },
      }),
    },
    {
      route: 'DELETE /api/installation/workspaces/:id/members/:userId',
      access: ADMIN,
      request: async (role) => ({ path: `/api/installation/workspaces/${other.id}/members/${await spareMember(role)}` }),
    },
    { route: 'GET /api/webhooks/parked', access: ADMIN, request: async () => ({ path: '/api/webhooks/parked' }) },
    {
      route: 'POST /api/webhooks/parked/:id/replay',
      access: ADMIN,
      request: async () => ({ path: `/api/webhooks/parked/${await parkedDelivery()}/replay` }),
    },
    { route: 'POST /api/notifications/read-all', access: ALL, request: async () => ({ path: '/api/notifications/read-all' }) },
    { route: 'GET /api/whatsapp/numbers', access: ADMIN, request: async () => ({ path: '/api/whatsapp/numbers' }) },
    {
      route: 'POST /api/whatsapp/numbers',
      access: ADMIN,
      request: async () => ({
        path: '/api/whatsapp/numbers',
        body: { phoneNumberId: String(Date.now()) + String(Math.floor(Math.random() * 1000)), accessToken: 'EAAG-new-token-123' },
      }),
    },
    { route: 'GET /api/whatsapp/templates', access: ALL, request: async () => ({ path: '/api/whatsapp/templates' }) },
    { route: 'GET /api/whatsapp/templates/:id', access: ALL, request: async () => ({ path: `/api/whatsapp/templates/${templateId}` }) },
    {
      route: 'POST /api/whatsapp/numbers/:id/templates/sync',
      access: ADMIN,
      request: async () => ({ path: `/api/whatsapp/numbers/${numberId}/templates/sync` }),
    },
    {
      route: 'POST /api/conversations/:id/media',
      access: SUPPORT,
      request: async () => ({ path: `/api/conversations/${conversationId}/media?kind=document&filename=note.txt` }),
      // Before the token route below rotates the number's token away from the one the simulator (Meta) knows.
      call: async (client, path) => {
        return (
          await fetch(`${h.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', ...(client.token ? { authorization: `Bearer ${client.token}` } : {}) },
            body: 'hello',
          })
        ).status;
      },
    },
    {
      route: 'PUT /api/whatsapp/numbers/:id/token',
      access: ADMIN,
      request: async () => ({ path: `/api/whatsapp/numbers/${numberId}/token`, body: { accessToken: 'EAAG-rotated-token' } }),
    },
    {
      route: 'PUT /api/whatsapp/numbers/:id/app-secret',
      access: ADMIN,
      request: async () => ({
        path: `/api/whatsapp/numbers/${numberId}/app-secret`,
        body: { appSecret: 'cafebabecafebabecafebabecafebabe' },
      }),
    },
    {
      route: 'DELETE /api/whatsapp/numbers/:id/app-secret',
      access: ADMIN,
      request: async () => ({ path: `/api/whatsapp/numbers/${numberId}/app-secret` }),
    },
    { route: 'POST /hooks/:token', access: 'public', request: async () => ({ path: hookPath, body: { phone: '+393331119999' } }) },
    { route: 'GET /api/api-keys', access: ADMIN, request: async () => ({ path: '/api/api-keys' }) },
    { route: 'POST /api/api-keys', access: ADMIN, request: async () => ({ path: '/api/api-keys', body: { name: 'shop' } }) },
    {
      route: 'DELETE /api/api-keys/:id',
      access: ADMIN,
      request: async () => ({
        path: `/api/api-keys/${str(obj((await h.workspace.admin.post('/api/api-keys', { name: 'to revoke' })).body)['id'])}`,
      }),
    },
    {
      route: 'POST /api/crm/events',
      access: ADMIN,
      request: async () => ({
        path: '/api/crm/events',
        body: { type: 'store.visited', id: randomBytes(6).toString('hex'), contact: { waId: '393330000099' } },
      }),
    },
    {
      route: 'PATCH /api/contacts/:id',
      access: ALL,
      request: async () => ({ path: `/api/contacts/${contactId}`, body: { fields: { checked: true } } }),
    },
    {
      route: 'POST /api/contacts/:id/pause',
      access: ALL,
      request: async () => ({ path: `/api/contacts/${contactId}/pause`, body: { hours: 1 } }),
    },
    { route: 'POST /api/contacts/:id/resume', access: ALL, request: async () => ({ path: `/api/contacts/${contactId}/resume` }) },
    {
      route: 'POST /api/contacts/:id/messages',
      access: ['admin', 'support'],
      request: async () => ({ path: `/api/contacts/${contactId}/messages`, body: { text: 'Hello from a person' } }),
    },
    { route: 'GET /api/pauses', access: ALL, request: async () => ({ path: '/api/pauses?active=false' }) },
    { route: 'GET /api/contacts/:id/profile', access: ALL, request: async () => ({ path: `/api/contacts/${contactId}/profile` }) },
    { route: 'GET /api/contacts/:id/timeline', access: ALL, request: async () => ({ path: `/api/contacts/${contactId}/timeline` }) },
    {
      route: 'POST /api/contacts/bulk',
      access: EDITORS,
      request: async () => ({ path: '/api/contacts/bulk', body: { ids: [contactId], action: { type: 'addTag', tag: 'bulk' } } }),
    },
    { route: 'GET /api/contact-export', access: EDITORS, request: async () => ({ path: '/api/contact-export?tag=none' }) },
    {
      route: 'POST /api/contact-import',
      access: EDITORS,
      request: async () => ({
        path: '/api/contact-import',
        body: { csv: 'Phone\n+393330000123\n', mapping: { Phone: 'phone' }, dryRun: true },
      }),
    },
    { route: 'GET /api/products', access: ALL, request: async () => ({ path: '/api/products' }) },
    { route: 'GET /api/products/match', access: ALL, request: async () => ({ path: '/api/products/match?name=iphone' }) },
    {
      route: 'POST /api/products',
      access: EDITORS,
      request: async () => {
        const suffix = randomBytes(4).toString('hex');
        return { path: '/api/products', body: { code: `P-${suffix}`, name: `Product ${suffix}` } };
      },
    },
    {
      route: 'PATCH /api/products/:id',
      access: EDITORS,
      request: async () => ({
        path: `/api/products/${await product()}`,
        body: { code: `P-${randomBytes(4).toString('hex')}`, name: `Renamed ${randomBytes(4).toString('hex')}` },
      }),
    },
    { route: 'DELETE /api/products/:id', access: EDITORS, request: async () => ({ path: `/api/products/${await product()}` }) },
    { route: 'GET /api/unmapped-product-names', access: ALL, request: async () => ({ path: '/api/unmapped-product-names' }) },
    {
      route: 'POST /api/unmapped-product-names/:id/map',
      access: EDITORS,
      request: async () => ({ path: `/api/unmapped-product-names/${await unmappedName()}/map`, body: { productId: await product() } }),
    },
    {
      route: 'POST /api/unmapped-product-names/:id/dismiss',
      access: EDITORS,
      request: async () => ({ path: `/api/unmapped-product-names/${await unmappedName()}/dismiss` }),
    },
    { route: 'GET /api/contact-duplicates', access: ALL, request: async () => ({ path: '/api/contact-duplicates' }) },
    {
      route: 'POST /api/contact-duplicates/scan',
      access: EDITORS,
      request: async () => {
        // One scan at a time per workspace: the previous role's job is closed so each role's start is its own.
        await h.dataSource.query(
          `UPDATE duplicate_scan_jobs SET status = 'done' WHERE workspace_id = $1 AND status IN ('queued', 'running')`,
          [h.workspace.id],
        );
        return { path: '/api/contact-duplicates/scan' };
      },
    },
    {
      route: 'GET /api/contact-duplicates/scans/latest',
      access: ALL,
      request: async () => ({ path: '/api/contact-duplicates/scans/latest' }),
    },
    {
      route: 'GET /api/contact-duplicates/scans/:id',
      access: ALL,
      request: async () => {
        const [job] = await h.sql(
          `INSERT INTO duplicate_scan_jobs (workspace_id, detected_by, status) VALUES ($1, 'test', 'done') RETURNING id`,
          [h.workspace.id],
        );
        return { path: `/api/contact-duplicates/scans/${str(job?.['id'])}` };
      },
    },
    {
      route: 'POST /api/contact-duplicates/:id/dismiss',
      access: ALL,
      request: async () => ({ path: `/api/contact-duplicates/${await openCandidate()}/dismiss` }),
    },
    {
      route: 'GET /api/contact-merges/preview',
      access: ALL,
      request: async () => {
        const [kept, merged] = await contactPair();
        return { path: `/api/contact-merges/preview?keptId=${kept}&mergedId=${merged}` };
      },
    },
    {
      route: 'POST /api/contact-merges',
      access: ALL,
      request: async () => {
        const [keptId, mergedId] = await contactPair();
        return { path: '/api/contact-merges', body: { keptId, mergedId } };
      },
    },
    {
      route: 'POST /api/contact-merges/:id/undo',
      access: ALL,
      request: async () => {
        const [keptId, mergedId] = await contactPair();
        const merged = await h.workspace.admin.post('/api/contact-merges', { keptId, mergedId });
        return { path: `/api/contact-merges/${str(obj(merged.body)['mergeId'])}/undo` };
      },
    },
    {
      route: 'POST /api/flows/:id/pause',
      access: EDITORS,
      request: async () => ({ path: `/api/flows/${manualFlowId}/pause`, body: { hours: 1 } }),
    },
    { route: 'POST /api/flows/:id/resume', access: EDITORS, request: async () => ({ path: `/api/flows/${manualFlowId}/resume` }) },
    { route: 'POST /api/automation/pause', access: ADMIN, request: async () => ({ path: '/api/automation/pause', body: { hours: 1 } }) },
    { route: 'POST /api/automation/resume', access: ADMIN, request: async () => ({ path: '/api/automation/resume' }) },
    {
      route: 'POST /api/flows/:id/rollback',
      access: EDITORS,
      request: async () => ({ path: `/api/flows/${manualFlowId}/rollback`, body: { version: 1 } }),
    },
    {
      route: 'POST /api/flows/:id/run',
      access: EDITORS,
      request: async () => ({ path: `/api/flows/${manualFlowId}/run`, body: { contactId } }),
    },
    { route: 'GET /api/flows/:id/webhook', access: EDITORS, request: async () => ({ path: `/api/flows/${hookFlowId}/webhook` }) },
    { route: 'GET /api/flows/:id/preflight', access: EDITORS, request: async () => ({ path: `/api/flows/${flowId}/preflight` }) },
    {
      route: 'POST /api/executions/:id/retry',
      access: EDITORS,
      request: async () => ({ path: `/api/executions/${await executionIn('failed')}/retry` }),
    },
    {
      route: 'POST /api/executions/:id/skip-wait',
      access: EDITORS,
      request: async () => ({ path: `/api/executions/${await waitingTestRun()}/skip-wait` }),
    },
    { route: 'GET /api/test-runs/customers', access: EDITORS, request: async () => ({ path: '/api/test-runs/customers' }) },
    {
      route: 'GET /api/flows/:id/test-runs/sample-event',
      access: EDITORS,
      request: async () => ({ path: `/api/flows/${manualFlowId}/test-runs/sample-event` }),
    },
    {
      route: 'POST /api/flows/:id/test-runs',
      access: EDITORS,
      request: async () => ({ path: `/api/flows/${manualFlowId}/test-runs`, body: { customer: { waId: '393332200000' } } }),
    },
    {
      route: 'POST /api/executions/:id/cancel',
      access: ALL,
      request: async () => ({ path: `/api/executions/${await executionIn('waiting')}/cancel` }),
    },
    { route: 'GET /api/workspace/settings', access: ALL, request: async () => ({ path: '/api/workspace/settings' }) },
    {
      route: 'PATCH /api/workspace/settings',
      access: ADMIN,
      request: async () => ({ path: '/api/workspace/settings', body: { takeoverHours: 12 } }),
    },
    {
      route: 'PUT /api/workspace/settings',
      access: ADMIN,
      request: async () => {
        const {
          effectiveIntents: _effective,
          defaultIntents: _defaults,
          defaultIntentKeywords: _keywords,
          ...settings
        } = obj((await h.workspace.admin.get('/api/workspace/settings')).body);
        return { path: '/api/workspace/settings', body: settings };
      },
    },
    { route: 'GET /api/reports/service', access: ALL, request: async () => ({ path: '/api/reports/service' }) },
    { route: 'GET /api/reports/traffic', access: ALL, request: async () => ({ path: '/api/reports/traffic' }) },
    { route: 'GET /api/reports/words', access: EDITORS, request: async () => ({ path: '/api/reports/words' }) },
    { route: 'GET /api/reports/messaging', access: EDITORS, request: async () => ({ path: '/api/reports/messaging' }) },
    { route: 'GET /api/reports/funnel', access: EDITORS, request: async () => ({ path: '/api/reports/funnel' }) },
    { route: 'GET /api/reports/cost', access: EDITORS, request: async () => ({ path: '/api/reports/cost' }) },
    { route: 'GET /api/reports/discount', access: EDITORS, request: async () => ({ path: '/api/reports/discount' }) },
    { route: 'GET /api/reports/daily', access: EDITORS, request: async () => ({ path: '/api/reports/daily' }) },
    { route: 'GET /api/reports/prices', access: EDITORS, request: async () => ({ path: '/api/reports/prices' }) },
    {
      route: 'PUT /api/reports/prices',
      access: ADMIN,
      request: async () => ({
        path: '/api/reports/prices',
        body: { prices: [{ country: '*', category: 'marketing', price: 0.05, currency: 'EUR' }] },
      }),
    },
    {
      route: 'POST /api/reports/demo-data',
      access: ADMIN,
      request: async () => ({ path: '/api/reports/demo-data' }),
      // Demo data goes only into an empty workspace: the admin asks for a new one's.
      call: async (client, path) => {
        if (client !== clients.admin) return (await client.request('POST', path, {})).status;
        const empty = await h.addWorkspace(`Demo ${Date.now()}`);
        return (await empty.admin.request('POST', path, {})).status;
      },
    },
    { route: 'GET /api/reports/recount', access: ADMIN, request: async () => ({ path: '/api/reports/recount' }) },
    { route: 'POST /api/reports/recount', access: ADMIN, request: async () => ({ path: '/api/reports/recount' }) },
    { route: 'GET /api/reports/weekly', access: EDITORS, request: async () => ({ path: '/api/reports/weekly' }) },
    { route: 'GET /api/reports/weekly/deliveries', access: ADMIN, request: async () => ({ path: '/api/reports/weekly/deliveries' }) },
    {
      route: 'GET /api/reports/weekly/:id',
      access: EDITORS,
      request: async () => {
        const weekly = h.app.get(ReportWeeklyService);
        const week = { weekStart: '2026-03-02', from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-09T00:00:00Z') };
        await weekly.makeFor(h.workspace.id, week);
        const [made] = await weekly.list(h.workspace.id);
        return { path: `/api/reports/weekly/${made?.id ?? ''}` };
      },
    },
    { route: 'GET /api/reports/word-alerts', access: EDITORS, request: async () => ({ path: '/api/reports/word-alerts' }) },
    {
      route: 'POST /api/reports/word-alerts',
      access: EDITORS,
      request: async () => ({
        path: '/api/reports/word-alerts',
        body: { term: `posted${Math.random().toString(36).slice(2, 10)}`, direction: 'over', threshold: 0.5, periodDays: 7 },
      }),
    },
    {
      route: 'PUT /api/reports/word-alerts/:id',
      access: EDITORS,
      request: async () => {
        const alert = await h.app.get(ReportWordAlertsService).create(h.workspace.id, {
          term: `changed${Math.random().toString(36).slice(2, 10)}`,
          direction: 'under',
          threshold: 0.1,
          periodDays: 7,
        });
        return {
          path: `/api/reports/word-alerts/${alert?.id ?? ''}`,
          body: { term: `changed${Math.random().toString(36).slice(2, 10)}`, direction: 'under', threshold: 0.2, periodDays: 14 },
        };
      },
    },
    {
      route: 'DELETE /api/reports/word-alerts/:id',
      access: EDITORS,
      request: async () => {
        const alert = await h.app.get(ReportWordAlertsService).create(h.workspace.id, {
          term: `removed${Math.random().toString(36).slice(2, 10)}`,
          direction: 'under',
          threshold: 0.1,
          periodDays: 7,
        });
        return { path: `/api/reports/word-alerts/${alert?.id ?? ''}` };
      },
    },
    { route: 'GET /api/notifications', access: ALL, request: async () => ({ path: '/api/notifications' }) },
    { route: 'GET /api/conversations', access: ALL, request: async () => ({ path: '/api/conversations' }) },
    { route: 'GET /api/conversations/:id', access: ALL, request: async () => ({ path: `/api/conversations/${conversationId}` }) },
    {
      route: 'GET /api/conversations/:id/messages',
      access: ALL,
      request: async () => ({ path: `/api/conversations/${conversationId}/messages` }),
    },
    {
      route: 'POST /api/conversations/:id/messages',
      access: SUPPORT,
      request: async () => ({ path: `/api/conversations/${conversationId}/messages`, body: { type: 'text', text: 'Hello from the team' } }),
    },
    {
      route: 'POST /api/conversations/:id/notes',
      access: SUPPORT,
      request: async () => ({ path: `/api/conversations/${conversationId}/notes`, body: { text: 'a note' } }),
    },
    {
      route: 'POST /api/conversations/:id/assign',
      access: SUPPORT,
      request: async () => ({ path: `/api/conversations/${conversationId}/assign`, body: { userId: null } }),
    },
    {
      route: 'POST /api/conversations/:id/status',
      access: SUPPORT,
      request: async () => ({ path: `/api/conversations/${conversationId}/status`, body: { status: 'open' } }),
    },
    {
      route: 'POST /api/conversations/:id/read',
      access: SUPPORT,
      request: async () => ({ path: `/api/conversations/${conversationId}/read` }),
    },
    { route: 'GET /api/media/:id', access: ALL, request: async () => ({ path: `/api/media/${mediaId}` }) },
    {
      route: 'GET /api/stream',
      access: ALL,
      request: async () => ({ path: '/api/stream' }),
      call: async (client) => {
        const stream = await openStream(h.url, client.token);
        stream.close();
        return stream.status;
      },
    },
    { route: 'GET /api/canned-replies', access: ALL, request: async () => ({ path: '/api/canned-replies' }) },
    {
      route: 'POST /api/canned-replies',
      access: SUPPORT,
      request: async () => ({ path: '/api/canned-replies', body: { shortcut: `c${randomBytes(4).toString('hex')}`, text: 'Hello' } }),
    },
    {
      route: 'PATCH /api/canned-replies/:id',
      access: SUPPORT,
      request: async () => ({ path: `/api/canned-replies/${await cannedReply()}`, body: { text: 'Hello again' } }),
    },
    {
      route: 'DELETE /api/canned-replies/:id',
      access: SUPPORT,
      request: async () => ({ path: `/api/canned-replies/${await cannedReply()}` }),
    },
    {
      route: 'POST /api/notifications/:id/read',
      access: ALL,
      request: async (role) => ({ path: `/api/notifications/${await notificationFor(role ?? 'admin')}/read` }),
    },
    {
      route: 'POST /api/crm/connections',
      access: ADMIN,
      request: async () => {
        // One connection per workspace: each call starts without one.
        await h.dataSource.query(`DELETE FROM crm_connections WHERE workspace_id = $1`, [h.workspace.id]);
        return { path: '/api/crm/connections', body: CRM_CONNECTION };
      },
    },
    { route: 'GET /api/crm/connections', access: ADMIN, request: async () => ({ path: '/api/crm/connections' }) },
    {
      route: 'POST /api/crm/connections/:id/test',
      access: ADMIN,
      request: async () => ({ path: `/api/crm/connections/${await crmConnection()}/test` }),
    },
    {
      route: 'GET /api/crm/connections/:id/health',
      access: ADMIN,
      request: async () => ({ path: `/api/crm/connections/${await crmConnection()}/health` }),
    },
    {
      route: 'POST /api/crm/connections/:id/sync',
      access: ADMIN,
      request: async () => ({ path: `/api/crm/connections/${await crmConnection()}/sync` }),
    },
    {
      route: 'PATCH /api/crm/connections/:id',
      access: ADMIN,
      request: async () => ({ path: `/api/crm/connections/${await crmConnection()}`, body: { batchAt: '03:00' } }),
    },
    {
      route: 'POST /api/crm/connections/:id/retry',
      access: ADMIN,
      request: async () => ({ path: `/api/crm/connections/${await crmConnection()}/retry`, body: {} }),
    },
    { route: 'GET /api/crm/outgoing-webhook', access: ADMIN, request: async () => ({ path: '/api/crm/outgoing-webhook' }) },
    { route: 'GET /api/crm/conflicts', access: SUPPORT, request: async () => ({ path: '/api/crm/conflicts' }) },
    {
      route: 'POST /api/crm/conflicts/:id/resolve',
      access: SUPPORT,
      request: async () => ({ path: `/api/crm/conflicts/${await crmConflict()}/resolve`, body: { decision: 'dismiss' } }),
    },
    {
      route: 'DELETE /api/crm/connections/:id',
      access: ADMIN,
      request: async () => ({ path: `/api/crm/connections/${await crmConnection()}` }),
    },
  ];

  /** A contact of its own for each erasure, so the shared one keeps its data for the other routes. */
  async function throwawayContact(): Promise<string> {
    const [row] = await h.sql(`INSERT INTO contacts (workspace_id, wa_id) VALUES ($1, $2) RETURNING id`, [
      h.workspace.id,
      `3933${Math.floor(Math.random() * 1e8)}`,
    ]);
    return str(row?.['id']);
  }

  /** A fresh support user of the first workspace. */
  async function spareUser(): Promise<string> {
    const created = await h.workspace.admin.post('/api/users', {
      email: `spare${randomBytes(4).toString('hex')}@example.com`,
      password: 'long enough password',
      role: 'support',
    });
    return str(obj(created.body)['id']);
  }

  /** A copy of a delivery already processed, parked: its replay applies nothing new. */
  async function parkedDelivery(): Promise<string> {
    const [row] = await h.sql(
      `INSERT INTO webhook_deliveries (provider, received_at, body, processed_at, attempts, last_error, status, workspace_ids)
       SELECT provider, received_at, body, now(), 5, 'test', 'parked', parley_webhook_workspaces(body) FROM webhook_deliveries WHERE status = 'processed'
        ORDER BY id LIMIT 1 RETURNING id::text AS id`,
    );
    return str(row?.['id']);
  }

  async function spareEmail(): Promise<string> {
    const email = `spare${randomBytes(4).toString('hex')}@example.com`;
    expect((await h.workspace.admin.post('/api/users', { email, password: 'long enough password', role: 'support' })).status).toBe(201);
    return email;
  }

  /** A user of this workspace added to the other one (for admins; the others are refused before it matters). */
  async function spareMember(role?: UserRole): Promise<string> {
    const email = await spareEmail();
    const [user] = await h.sql('SELECT id FROM users WHERE email = $1', [email]);
    const userId = str(user?.['id']);
    if (role === 'admin') {
      const added = await h.workspace.admin.post(`/api/installation/workspaces/${other.id}/members`, { email, role: 'support' });
      expect(added.status).toBe(200);
    }
    return userId;
  }

  /** A bulk retry of one failed execution, confirmed with its count. */
  async function bulkStart(role: UserRole = 'admin'): Promise<Record<string, unknown>> {
    // Only an admin's call reaches the engine's count; the others are refused first, so a valid body will do.
    if (role !== 'admin') return { action: 'retry', filter: { status: 'failed' }, expectedCount: 1, requestKey: 'refused-before-counting' };
    const id = await executionIn('failed');
    const filter = {
      status: 'failed',
      contactId: str((await h.sql('SELECT contact_id FROM executions WHERE id = $1', [id]))[0]?.['contact_id']),
    };
    return { action: 'retry', filter, expectedCount: 1, requestKey: `access-${randomBytes(6).toString('hex')}` };
  }

  let bulkJobId: string | null = null;
  async function bulkJob(): Promise<string> {
    bulkJobId ??= str(obj((await h.workspace.admin.post('/api/executions/bulk/jobs', await bulkStart())).body)['id']);
    return bulkJobId;
  }

  /** Two fresh contacts of the first workspace with the same email (a duplicate pair). */
  async function contactPair(): Promise<[string, string]> {
    const email = `dup-${randomBytes(4).toString('hex')}@example.com`;
    const rows = await h.sql(
      `INSERT INTO contacts (workspace_id, email, first_name) SELECT $1, $2, n FROM unnest(ARRAY['One', 'Two']) AS n RETURNING id`,
      [h.workspace.id, email],
    );
    return [str(rows[0]?.['id']), str(rows[1]?.['id'])];
  }

  /** An open duplicate candidate, for the route that dismisses one. */
  async function openCandidate(): Promise<string> {
    const [a, b] = (await contactPair()).sort();
    const [row] = await h.sql(
      `INSERT INTO duplicate_candidates (workspace_id, contact_a_id, contact_b_id, reasons, score, detected_by)
       VALUES ($1, $2, $3, '[{"kind":"same_email"}]', 0.9, 'test') RETURNING id`,
      [h.workspace.id, a, b],
    );
    return str(row?.['id']);
  }

  /** The workspace's CRM connection (made when missing); it points at a port where nothing listens. */
  async function crmConnection(): Promise<string> {
    const [existing] = await h.sql(`SELECT id FROM crm_connections WHERE workspace_id = $1`, [h.workspace.id]);
    if (existing) return str(existing['id']);
    const created = await h.workspace.admin.post('/api/crm/connections', CRM_CONNECTION);
    return str(obj(created.body)['id']);
  }

  /** A fresh open conflict, for the calls that resolve one. */
  async function crmConflict(): Promise<string> {
    const [row] = await h.sql(
      `INSERT INTO crm_conflicts (workspace_id, connection_id, contact_id, field, local_value, local_changed_at, remote_value, remote_changed_at, remote_source, winner)
       VALUES ($1, $2, $3, 'lastName', 'A', now(), 'B', now(), 'hubspot', 'remote') RETURNING id`,
      [h.workspace.id, await crmConnection(), contactId],
    );
    return str(row?.['id']);
  }

  /** A fresh product, for the routes that change, remove or map to one. */
  async function product(): Promise<string> {
    const suffix = randomBytes(4).toString('hex');
    const created = await h.workspace.admin.post('/api/products', { code: `P-${suffix}`, name: `Product ${suffix}` });
    return str(obj(created.body)['id']);
  }

  /** A fresh open unmapped product name, for the routes that decide one. */
  async function unmappedName(): Promise<string> {
    const [row] = await h.sql(
      `INSERT INTO unmapped_product_names (workspace_id, name_key, name, source) VALUES ($1, $2, 'Name', 'order') RETURNING id`,
      [h.workspace.id, `name${randomBytes(4).toString('hex')}`],
    );
    return str(row?.['id']);
  }

  /** A fresh canned reply, for the routes that change or remove one. */
  async function cannedReply(): Promise<string> {
    const created = await h.workspace.admin.post('/api/canned-replies', { shortcut: `c${randomBytes(4).toString('hex')}`, text: 'Hello' });
    return str(obj(created.body)['id']);
  }

  /** A notification for the user of `role` (each role reads its own in the matrix). */
  async function notificationFor(role: UserRole): Promise<string> {
    const [row] = await h.sql(
      `INSERT INTO notifications (workspace_id, user_id, kind, title) VALUES ($1, $2, 'test', 'hello') RETURNING id`,
      [h.workspace.id, userIds[role]],
    );
    return str(row?.['id']);
  }

  it('lists every registered route (a new route must be added to this matrix)', () => {
    const listed = new Set(cases().map((c) => c.route));
    // Swagger's pages are guarded by their own middleware; /{*path} is Nest's not-found handler.
    const unlisted = registeredRoutes(h.app).filter((r) => !r.startsWith('GET /api/docs') && !r.endsWith(' /{*path}') && !listed.has(r));
    expect(unlisted).toEqual([]);
  });

  it('answers anonymous callers 401 on every route that is not public', async () => {
    for (const c of cases().filter((c) => c.access !== 'public')) {
      const { path, body } = await c.request();
      const status = c.call
        ? await c.call(h.anonymous, path)
        : (await h.anonymous.request(c.route.split(' ')[0] ?? 'GET', path, body)).status;
      expect({ route: c.route, status }).toEqual({ route: c.route, status: 401 });
    }
  });

  it('lets each role do what it may and refuses the rest with 403', async () => {
    for (const c of cases().filter((c) => c.access !== 'public')) {
      for (const role of ALL) {
        const { path, body } = await c.request(role);
        // Logging out ends the session, so it gets a session of its own.
        const client = c.route === 'POST /api/auth/logout' ? await h.workspace.user(role) : clients[role];
        const status = c.call ? await c.call(client, path) : (await client.request(c.route.split(' ')[0] ?? 'GET', path, body)).status;
        const allowed = c.access !== 'public' && c.access.includes(role);
        const outcome = allowed ? status >= 200 && status < 300 : status === 403;
        expect({ route: c.route, role, status, outcome }).toEqual({ route: c.route, role, status, outcome: true });
      }
    }
    // Every route for every role, one after the other: a few hundred calls, more as routes are added.
  }, 180_000);

  it('serves the API description to anyone (it holds no secret; the calls it describes need a session)', async () => {
    expect((await h.anonymous.get('/api/docs')).status).toBe(200);
    const docs = await h.anonymous.get('/api/docs/openapi.json');
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
      ['POST', `/api/flows/${flowId}/archive`, {}],
      ['POST', `/api/flows/${flowId}/restore`, {}],
      ['DELETE', `/api/flows/${flowId}`, undefined],
      ['GET', `/api/flows/${flowId}/versions`, undefined],
      ['GET', `/api/flows/${flowId}/versions/1`, undefined],
      ['GET', `/api/executions/${executionId}`, undefined],
      ['GET', `/api/executions/${executionId}/flow-version`, undefined],
      ['POST', `/api/flows/${flowId}/test-runs`, { customer: { waId: '393332299999' } }],
      ['GET', `/api/flows/${flowId}/test-runs/sample-event`, undefined],
      ['GET', `/api/contacts/${contactId}`, undefined],
      ['GET', `/api/contacts/${contactId}/messages`, undefined],
      ['PATCH', `/api/users/${targetUserId}`, { disabled: true }],
      ['PUT', `/api/whatsapp/numbers/${numberId}/token`, { accessToken: 'stolen-token-123' }],
      ['PUT', `/api/whatsapp/numbers/${numberId}/app-secret`, { appSecret: 'deadbeefdeadbeefdeadbeefdeadbeef' }],
      ['PATCH', `/api/products/${await product()}`, { code: 'HIJACKED', name: 'hijacked' }],
      ['DELETE', `/api/products/${await product()}`, undefined],
      ['POST', `/api/unmapped-product-names/${await unmappedName()}/dismiss`, {}],
      ['POST', `/api/unmapped-product-names/${await unmappedName()}/map`, { productId: await product() }],
    ];
    for (const [method, path, body] of attempts) {
      const response = await intruder.request(method, path, body);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
    }
    for (const path of ['/api/flows', '/api/executions', '/api/contacts', '/api/users', '/api/whatsapp/numbers', '/api/audit']) {
      const ids = arr(obj((await intruder.get(path)).body)['data']).map((row) => obj(row)['id']);
      expect({ path, leaked: ids.filter((id) => [flowId, executionId, contactId, targetUserId, numberId].includes(str(id))) }).toEqual({
        path,
        leaked: [],
      });
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
