import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { notifyAdmins } from '../notifications/admin-alert';
import { NotifierService } from '../notifications/notifier.service';
import { type EngineHarness, startEngineHarness, type TestWorkspace } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';

const PASSWORD = 'long enough password';

describe('workspace membership and switching', () => {
  let h: EngineHarness;
  let other: TestWorkspace;

  beforeAll(async () => {
    h = await startEngineHarness();
    other = await h.addWorkspace('Branch B');
  });
  afterAll(async () => {
    await h.close();
  });

  async function newMarketer() {
    const email = `m-${randomBytes(4).toString('hex')}@example.com`;
    const created = await h.workspace.admin.post('/api/users', { email, password: PASSWORD, role: 'marketer', displayName: 'Mara' });
    expect(created.status).toBe(201);
    return { id: str(obj(created.body)['id']), email, client: await h.anonymous.login(email, PASSWORD) };
  }

  function ids(body: unknown): string[] {
    return arr(obj(body)['data']).map((row) => str(obj(row)['id']));
  }

  it('a user switched to workspace B works there with their role in B and sees none of A', async () => {
    const flowA = str(obj((await h.workspace.admin.post('/api/flows', { name: 'Only in A', definition: priceReplyFlow() })).body)['id']);
    const flowB = str(obj((await other.admin.post('/api/flows', { name: 'Only in B', definition: priceReplyFlow() })).body)['id']);
    const mara = await newMarketer();

    // Only an installation admin adds members; B's own admin is not one.
    expect((await other.admin.post(`/api/installation/workspaces/${other.id}/members`, { email: mara.email, role: 'admin' })).status).toBe(
      403,
    );
    const added = await h.workspace.admin.post(`/api/installation/workspaces/${other.id}/members`, { email: mara.email, role: 'admin' });
    expect(added.status).toBe(200);
    expect(obj(added.body)['members']).toEqual([{ userId: mara.id, email: mara.email, role: 'admin' }]);
    expect(
      (await h.workspace.admin.post(`/api/installation/workspaces/${other.id}/members`, { email: mara.email, role: 'support' })).status,
    ).toBe(409);

    const me = obj((await mara.client.get('/api/auth/me')).body);
    expect(obj(me['workspace'])['id']).toBe(h.workspace.id);
    expect(arr(me['memberships']).map((m) => [obj(m)['id'], obj(m)['role'], obj(m)['home']])).toEqual([
      [h.workspace.id, 'marketer', true],
      [other.id, 'admin', false],
    ]);
    // As a marketer in A she may not list users.
    expect((await mara.client.get('/api/users')).status).toBe(403);

    const switched = await mara.client.post('/api/auth/workspace', { workspaceId: other.id });
    expect(switched.status).toBe(200);
    expect(obj(obj(switched.body)['user'])).toMatchObject({ role: 'admin', workspaceId: other.id });

    // Every screen's API now answers from B only.
    const flows = ids((await mara.client.get('/api/flows')).body);
    expect(flows).toContain(flowB);
    expect(flows).not.toContain(flowA);
    expect((await mara.client.get(`/api/flows/${flowA}`)).status).toBe(404);
    // B's users are its own, and Mara as added from A, with her role in B.
    const users = arr(obj((await mara.client.get('/api/users')).body)['data']).map(obj);
    expect(users.find((u) => u['email'] === mara.email)).toMatchObject({ role: 'admin', addedFrom: 'Test workspace' });
    expect(users.filter((u) => u['addedFrom'] === null).every((u) => str(u['email']) !== mara.email)).toBe(true);
    // Her own user row is A's to manage, not B's.
    expect((await mara.client.request('PATCH', `/api/users/${mara.id}`, { role: 'support' })).status).toBe(404);
    for (const path of ['/api/executions', '/api/contacts', '/api/whatsapp/numbers', '/api/audit']) {
      const response = await mara.client.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      const leaked = await h.sql(
        `SELECT count(*)::int AS n FROM unnest($1::text[]) AS i(id) WHERE i.id IN (SELECT id::text FROM flows WHERE workspace_id = $2)`,
        [ids(response.body), h.workspace.id],
      );
      expect(leaked[0]?.['n']).toBe(0);
    }
    const numbers = arr(obj((await mara.client.get('/api/whatsapp/numbers')).body)['data']).map((n) => str(obj(n)['phoneNumberId']));
    expect(numbers).toEqual([other.phoneNumberId]);
    // The switch is in B's trail, and A's trail is not readable from B.
    const trail = arr(obj((await mara.client.get('/api/audit?action=user.switched_workspace')).body)['data']).map(obj);
    expect(trail.map((e) => e['action'])).toEqual(['user.switched_workspace']);

    // A workspace she does not belong to cannot be entered.
    const third = await h.addWorkspace('Branch C');
    expect((await mara.client.post('/api/auth/workspace', { workspaceId: third.id })).status).toBe(404);
    expect((await mara.client.post('/api/auth/workspace', { workspaceId: 'not-a-uuid' })).status).toBe(400);

    // Back home she is a marketer again.
    expect(obj(obj((await mara.client.post('/api/auth/workspace', { workspaceId: h.workspace.id })).body)['user'])['role']).toBe(
      'marketer',
    );
    expect(ids((await mara.client.get('/api/flows')).body)).toContain(flowA);
  });

  it('removing a membership ends access to that workspace at the next request', async () => {
    const mara = await newMarketer();
    expect(
      (await h.workspace.admin.post(`/api/installation/workspaces/${other.id}/members`, { email: mara.email, role: 'support' })).status,
    ).toBe(200);
    expect((await mara.client.post('/api/auth/workspace', { workspaceId: other.id })).status).toBe(200);
    expect(obj(obj((await mara.client.get('/api/auth/me')).body)['workspace'])['id']).toBe(other.id);

    const removed = await h.workspace.admin.request('DELETE', `/api/installation/workspaces/${other.id}/members/${mara.id}`);
    expect(removed.status).toBe(200);
    // Her session is back in her own workspace, with her own role.
    const me = obj((await mara.client.get('/api/auth/me')).body);
    expect(obj(me['workspace'])['id']).toBe(h.workspace.id);
    expect(obj(me['user'])['role']).toBe('marketer');
    expect(arr(me['memberships'])).toHaveLength(1);
    expect((await mara.client.post('/api/auth/workspace', { workspaceId: other.id })).status).toBe(404);
    expect((await h.workspace.admin.request('DELETE', `/api/installation/workspaces/${other.id}/members/${mara.id}`)).status).toBe(404);

    const audit = await h.sql(
      `SELECT workspace_id, action FROM audit_log WHERE subject_id = $1 AND action LIKE 'workspace.member%' ORDER BY id`,
      [mara.id],
    );
    expect(audit.map((a) => `${str(a['action'])}@${a['workspace_id'] === other.id ? 'B' : 'A'}`).sort()).toEqual([
      'workspace.member_added@A',
      'workspace.member_added@B',
      'workspace.member_removed@A',
      'workspace.member_removed@B',
    ]);
  });

  it('the last-admin rule counts the admins added from other workspaces, and keeps the last one of each workspace', async () => {
    const d = await h.addWorkspace('Branch D');
    const ownAdmin = arr(obj((await d.admin.get('/api/users')).body)['data'])
      .map(obj)
      .find((u) => u['role'] === 'admin');
    const ownAdminId = str(ownAdmin?.['id']);
    const mara = await newMarketer();
    expect(
      (await h.workspace.admin.post(`/api/installation/workspaces/${d.id}/members`, { email: mara.email, role: 'admin' })).status,
    ).toBe(200);
    expect((await mara.client.post('/api/auth/workspace', { workspaceId: d.id })).status).toBe(200);

    // Mara, added as an admin, counts: D's own admin may now be demoted.
    const demoted = await mara.client.request('PATCH', `/api/users/${ownAdminId}`, { role: 'marketer' });
    expect(demoted.status).toBe(200);

    // Now Mara is D's last active admin: she cannot be removed from D, nor deactivated at home.
    const removed = await h.workspace.admin.request('DELETE', `/api/installation/workspaces/${d.id}/members/${mara.id}`);
    expect(removed.status).toBe(409);
    expect(str(obj(removed.body)['message'])).toMatch(/last active admin/);
    expect(await h.count('workspace_memberships', `workspace_id = $1 AND user_id = $2`, [d.id, mara.id])).toBe(1);
    const deactivated = await h.workspace.admin.request('PATCH', `/api/users/${mara.id}`, { disabled: true });
    expect(deactivated.status).toBe(409);
    expect(str(obj(deactivated.body)['message'])).toContain('“Branch D”');
    expect(await h.count('users', `id = $1 AND disabled_at IS NULL`, [mara.id])).toBe(1);
    // Her role at home is not her role in D: changing it is fine.
    expect((await h.workspace.admin.request('PATCH', `/api/users/${mara.id}`, { role: 'support' })).status).toBe(200);
    expect(await h.count('audit_log', `action = 'workspace.member_removed' AND subject_id = $1`, [mara.id])).toBe(0);

    // With D's own admin an admin again, she may go.
    expect((await mara.client.request('PATCH', `/api/users/${ownAdminId}`, { role: 'admin' })).status).toBe(200);
    expect((await h.workspace.admin.request('DELETE', `/api/installation/workspaces/${d.id}/members/${mara.id}`)).status).toBe(200);
  });

  it('a session left in a workspace whose membership is gone is refused, not served from it', async () => {
    const mara = await newMarketer();
    expect(
      (await h.workspace.admin.post(`/api/installation/workspaces/${other.id}/members`, { email: mara.email, role: 'admin' })).status,
    ).toBe(200);
    expect((await mara.client.post('/api/auth/workspace', { workspaceId: other.id })).status).toBe(200);
    // Behind the application's back: the membership row alone decides.
    await h.sql('WITH gone AS (DELETE FROM workspace_memberships WHERE user_id = $1 RETURNING user_id) SELECT user_id FROM gone', [
      mara.id,
    ]);
    expect((await mara.client.get('/api/flows')).status).toBe(401);
  });

  it('an admin added from another workspace gets that workspace’s admin notifications there, and only there', async () => {
    const mara = await newMarketer();
    expect(
      (await h.workspace.admin.post(`/api/installation/workspaces/${other.id}/members`, { email: mara.email, role: 'admin' })).status,
    ).toBe(200);
    await notifyAdmins(h.app.get(DataSource).manager, {
      workspaceId: other.id,
      kind: 'webhook.parked',
      title: 'A delivery was parked in B',
      body: 'Replay it from the executions page.',
      subjectType: 'webhook_delivery',
      subjectId: null,
    });
    await h.app.get(NotifierService).notify({ workspaceId: other.id, userId: mara.id, kind: 'assigned', title: 'For Mara in B', body: '' });
    // In her own workspace (a marketer there) she sees none of them.
    const home = arr(obj((await mara.client.get('/api/notifications')).body)['data']).map((n) => str(obj(n)['title']));
    expect(home).not.toContain('A delivery was parked in B');
    expect((await mara.client.post('/api/auth/workspace', { workspaceId: other.id })).status).toBe(200);
    const inB = arr(obj((await mara.client.get('/api/notifications')).body)['data']).map((n) => str(obj(n)['title']));
    expect(inB).toEqual(expect.arrayContaining(['A delivery was parked in B', 'For Mara in B']));
    // A user of neither workspace is never notified through it.
    const stranger = await h.addWorkspace('Branch D');
    const strangerId = str(obj(obj((await stranger.admin.get('/api/auth/me')).body)['user'])['id']);
    expect(await h.app.get(NotifierService).notify({ workspaceId: other.id, userId: strangerId, kind: 'x', title: 'Leak', body: '' })).toBe(
      1,
    );
    expect(await h.count('notifications', `title = 'Leak'`)).toBe(0);
  });
});
