import { randomBytes } from 'node:crypto';
import type { ApiClient } from '../test-support/api-client';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';

const PASSWORD = 'long enough password';

describe('workspace administration: users, sessions, API keys, notifications, workspaces', () => {
  let h: EngineHarness;
  let admin: ApiClient;

  beforeAll(async () => {
    h = await startEngineHarness();
    admin = h.workspace.admin;
  });
  afterAll(async () => {
    await h.close();
  });

  async function newUser(role: 'admin' | 'marketer' | 'support'): Promise<{ id: string; email: string; client: ApiClient }> {
    const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
    const created = await admin.post('/api/users', { email, password: PASSWORD, role, displayName: 'Someone' });
    expect(created.status).toBe(201);
    return { id: str(obj(created.body)['id']), email, client: await h.anonymous.login(email, PASSWORD) };
  }

  async function auditOf(subjectId: string): Promise<Record<string, unknown>[]> {
    return h.sql(`SELECT action, details FROM audit_log WHERE subject_id = $1 ORDER BY id`, [subjectId]);
  }

  it('deactivating a user ends their sessions at once and keeps them out until re-activated', async () => {
    const support = await newUser('support');
    const second = await h.anonymous.login(support.email, PASSWORD);
    expect((await support.client.get('/api/auth/me')).status).toBe(200);

    const response = await admin.request('PATCH', `/api/users/${support.id}`, { disabled: true });
    expect(response.status).toBe(200);
    expect(obj(response.body)['disabled']).toBe(true);
    // Both sessions end with the change, not when they expire.
    expect((await support.client.get('/api/auth/me')).status).toBe(401);
    expect((await second.get('/api/auth/me')).status).toBe(401);
    expect(await h.count('sessions', 'user_id = $1 AND revoked_at IS NULL', [support.id])).toBe(0);
    expect((await h.anonymous.post('/api/auth/login', { email: support.email, password: PASSWORD })).status).toBe(401);

    expect((await admin.request('PATCH', `/api/users/${support.id}`, { disabled: false })).status).toBe(200);
    // Re-activation lets them sign in again, but never revives an ended session.
    expect((await support.client.get('/api/auth/me')).status).toBe(401);
    expect((await (await h.anonymous.login(support.email, PASSWORD)).get('/api/auth/me')).status).toBe(200);

    const audit = (await auditOf(support.id)).filter((a) => a['action'] !== 'user.login');
    expect(audit.map((a) => a['action'])).toEqual(['user.created', 'user.updated', 'user.updated']);
    expect(obj(audit[1]?.['details'])).toMatchObject({
      before: { role: 'support', disabled: false },
      after: { role: 'support', disabled: true },
      endedSessions: 2,
    });
  });

  it('a role change applies to the next request of a signed-in user', async () => {
    const marketer = await newUser('marketer');
    expect((await marketer.client.get('/api/users')).status).toBe(403);
    expect((await admin.request('PATCH', `/api/users/${marketer.id}`, { role: 'admin' })).status).toBe(200);
    expect((await marketer.client.get('/api/users')).status).toBe(200);
    expect((await admin.request('PATCH', `/api/users/${marketer.id}`, { role: 'support' })).status).toBe(200);
    expect((await marketer.client.get('/api/users')).status).toBe(403);
  });

  /** A new workspace (by the installation admin) with its only admin signed in. */
  async function soloWorkspace(): Promise<{ client: ApiClient; userId: string }> {
    const email = `solo-${randomBytes(4).toString('hex')}@example.com`;
    const created = obj((await admin.post('/api/installation/workspaces', { name: 'Solo', admin: { email } })).body);
    const client = await h.anonymous.login(email, str(created['temporaryPassword']));
    return { client, userId: str(obj(obj((await client.get('/api/auth/me')).body)['user'])['id']) };
  }

  it('the last active admin cannot be demoted or deactivated', async () => {
    const solo = await soloWorkspace();
    for (const change of [{ role: 'marketer' }, { disabled: true }]) {
      const refused = await solo.client.request('PATCH', `/api/users/${solo.userId}`, change);
      expect(refused.status).toBe(409);
    }
    expect(arr(obj((await solo.client.get('/api/users')).body)['data']).map(obj)).toEqual([
      expect.objectContaining({ role: 'admin', disabled: false }),
    ]);
  });

  it('two admins demoting each other at once: one of them stays admin', async () => {
    const owner = await soloWorkspace();
    const email = `pair-${randomBytes(4).toString('hex')}@example.com`;
    const second = obj((await owner.client.post('/api/users', { email, password: PASSWORD, role: 'admin' })).body);
    const secondClient = await h.anonymous.login(email, PASSWORD);
    const results = await Promise.all([
      owner.client.request('PATCH', `/api/users/${str(second['id'])}`, { role: 'support' }),
      secondClient.request('PATCH', `/api/users/${owner.userId}`, { role: 'support' }),
    ]);
    // One wins; the other is refused: 403 if its author was demoted first, 409 if the lock made it see the last admin.
    expect(results.map((r) => r.status).sort()).toEqual([200, expect.any(Number)]);
    const loser = results.find((r) => r.status !== 200);
    expect([403, 409]).toContain(loser?.status);
    const rows = await h.sql(`SELECT role FROM users WHERE id = ANY($1) AND role = 'admin'`, [[owner.userId, str(second['id'])]]);
    expect(rows).toHaveLength(1);
  });

  it('a password reset shows a new password once, ends sessions, and the old password stops working', async () => {
    const user = await newUser('marketer');
    const response = await admin.post(`/api/users/${user.id}/password-reset`);
    expect(response.status).toBe(200);
    const temporary = str(obj(response.body)['temporaryPassword']);
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    expect((await user.client.get('/api/auth/me')).status).toBe(401);
    expect((await h.anonymous.post('/api/auth/login', { email: user.email, password: PASSWORD })).status).toBe(401);
    expect((await (await h.anonymous.login(user.email, temporary)).get('/api/auth/me')).status).toBe(200);
    const audit = await auditOf(user.id);
    expect(audit.map((a) => a['action'])).toContain('user.password_reset');
    expect(JSON.stringify(audit)).not.toContain(temporary);
  });

  it('refuses bad input with a 4xx naming the field, and changes nothing', async () => {
    const user = await newUser('support');
    const before = await h.count('audit_log');
    const cases: [string, string, unknown, number, RegExp][] = [
      ['PATCH', `/api/users/${user.id}`, { role: 'owner' }, 400, /role/],
      ['PATCH', `/api/users/${user.id}`, { disabled: 'yes' }, 400, /disabled/],
      ['PATCH', `/api/users/${user.id}`, {}, 400, /role or disabled/],
      ['PATCH', '/api/users/not-a-uuid', { role: 'admin' }, 400, /id/],
      ['PATCH', '/api/users/00000000-0000-4000-8000-000000000000', { role: 'admin' }, 404, /No such user/],
      ['POST', '/api/users/00000000-0000-4000-8000-000000000000/password-reset', undefined, 404, /No such user/],
      ['POST', '/api/users', { email: 'nope', password: PASSWORD, role: 'support' }, 400, /email/],
      ['POST', '/api/users', { email: user.email, password: PASSWORD, role: 'support' }, 409, /already exists/],
      ['POST', '/api/installation/workspaces', { name: '', admin: { email: 'x@example.com' } }, 400, /name/],
      ['POST', '/api/installation/workspaces', { name: 'X', admin: { email: user.email } }, 409, /already exists/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const response = await admin.request(method, path, body);
      expect({ path, body, status: response.status }).toEqual({ path, body, status });
      expect(JSON.stringify(response.body)).toMatch(message);
    }
    expect(await h.count('audit_log')).toBe(before);
    expect(await h.count('workspaces', `name = 'X'`)).toBe(0);
  });

  it('shows when an API key was last used', async () => {
    const created = obj((await admin.post('/api/api-keys', { name: 'shop' })).body);
    const listed = async () =>
      arr(obj((await admin.get('/api/api-keys')).body)['data'])
        .map(obj)
        .find((k) => k['id'] === created['id']);
    expect(await listed()).toMatchObject({ name: 'shop', lastUsedAt: null, revoked: false });
    // A route keys may not call does not count as a use.
    const refused = await fetch(`${h.url}/api/flows`, { headers: { 'x-api-key': str(created['key']) } });
    expect(refused.status).toBe(403);
    expect((await listed())?.['lastUsedAt']).toBeNull();
    const used = await fetch(`${h.url}/api/crm/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': str(created['key']) },
      body: JSON.stringify({ nonsense: true }),
    });
    expect(used.status).toBe(400);
    expect(typeof (await listed())?.['lastUsedAt']).toBe('string');
  });

  it('counts unread notifications and marks them all read', async () => {
    const me = str(obj(obj((await admin.get('/api/auth/me')).body)['user'])['id']);
    for (const title of ['one', 'two']) {
      await h.sql(`INSERT INTO notifications (workspace_id, user_id, kind, title) VALUES ($1, $2, 'test', $3)`, [
        h.workspace.id,
        me,
        title,
      ]);
    }
    const list = obj((await admin.get('/api/notifications')).body);
    expect(list['unread']).toBeGreaterThanOrEqual(2);
    expect(obj((await admin.post('/api/notifications/read-all')).body)['marked']).toBe(list['unread']);
    expect(obj((await admin.get('/api/notifications')).body)['unread']).toBe(0);
  });

  it('only the installation admin creates workspaces; the new admin sees only their own workspace', async () => {
    const other = await h.addWorkspace('Not the first');
    expect(obj((await other.admin.get('/api/installation')).body)['installationAdmin']).toBe(false);
    expect((await other.admin.get('/api/installation/workspaces')).status).toBe(403);
    expect(
      (await other.admin.post('/api/installation/workspaces', { name: 'Sneaky', admin: { email: 'sneaky@example.com' } })).status,
    ).toBe(403);
    const marketer = await newUser('marketer');
    expect((await marketer.client.get('/api/installation/workspaces')).status).toBe(403);
    expect(obj((await admin.get('/api/installation')).body)['installationAdmin']).toBe(true);

    const email = `branch-${randomBytes(3).toString('hex')}@example.com`;
    const created = await admin.post('/api/installation/workspaces', { name: 'Branch office', admin: { email, displayName: 'Bea' } });
    expect(created.status).toBe(201);
    const body = obj(created.body);
    const workspaceId = str(obj(body['workspace'])['id']);
    const branchAdmin = await h.anonymous.login(email, str(body['temporaryPassword']));
    const me = obj(obj((await branchAdmin.get('/api/auth/me')).body)['user']);
    expect(me).toMatchObject({ role: 'admin', workspaceId });
    expect(arr(obj((await branchAdmin.get('/api/users')).body)['data']).map((u) => obj(u)['email'])).toEqual([email]);
    expect(arr(obj((await branchAdmin.get('/api/flows')).body)['data'])).toEqual([]);
    expect(obj((await branchAdmin.get('/api/workspace/settings')).body)['timeZone']).toBe('UTC');
    const listed = arr(obj((await admin.get('/api/installation/workspaces')).body)['data']).map(obj);
    expect(listed.find((w) => w['id'] === workspaceId)).toMatchObject({ name: 'Branch office', users: 1, admins: [email] });
    expect(await h.count('audit_log', `action = 'workspace.created' AND subject_id = $1`, [workspaceId])).toBe(2);
    expect(JSON.stringify(await h.sql(`SELECT details FROM audit_log WHERE subject_id = $1`, [workspaceId]))).not.toContain(
      str(body['temporaryPassword']),
    );
  });
});
