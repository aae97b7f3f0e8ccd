import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';
import { AuditService } from './audit.service';

describe('audit trail: append-only, hash-chained, readable', () => {
  let h: EngineHarness;
  let adminEmail: string;
  let adminId: string;

  beforeAll(async () => {
    h = await startEngineHarness();
    const me = obj(obj((await h.workspace.admin.get('/api/auth/me')).body)['user']);
    adminEmail = str(me['email']);
    adminId = str(me['id']);
  });
  afterAll(async () => {
    await h.close();
  });

  async function entries(query = ''): Promise<Record<string, unknown>[]> {
    const response = await h.workspace.admin.get(`/api/audit${query}`);
    expect({ query, status: response.status }).toEqual({ query, status: 200 });
    return arr(obj(response.body)['data']).map(obj);
  }

  it('refuses UPDATE, DELETE and TRUNCATE through the application’s own connection', async () => {
    await h.workspace.admin.post('/api/flows', { name: 'Audited', definition: priceReplyFlow() });
    const app = h.app.get(DataSource);
    await expect(app.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(app.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(app.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    expect(await h.count('audit_log', `action = 'x'`)).toBe(0);
  });

  it('records sign-in success and failure with where they came from', async () => {
    const failed = await h.anonymous.post('/api/auth/login', { email: adminEmail, password: 'not the password' });
    expect(failed.status).toBe(401);
    const [failure] = await entries('?action=user.login_failed');
    expect(failure).toMatchObject({ action: 'user.login_failed', actor: null, subjectId: adminId, ip: expect.any(String) });
    expect(obj(failure?.['details'])['email']).toBe(adminEmail);
    const [login] = await entries('?action=user.login');
    expect(login).toMatchObject({ actor: { id: adminId, email: adminEmail }, ip: expect.any(String), userAgent: expect.any(String) });
  });

  it('records a flow edit with exactly the fields that changed, and names the subject', async () => {
    const created = obj((await h.workspace.admin.post('/api/flows', { name: 'Before', definition: priceReplyFlow() })).body);
    const id = str(created['id']);
    const saved = await h.workspace.admin.put(`/api/flows/${id}`, { revision: created['revision'], name: 'After' });
    expect(saved.status).toBe(200);
    const [edit] = await entries(`?action=flow.edited&subjectId=${id}`);
    expect(edit).toMatchObject({
      subjectLabel: 'After',
      details: { changes: { name: { before: 'Before', after: 'After' } }, stepsChanged: false },
    });
  });

  it('says in sentences what an edit did to the steps and what a publish changed from the version before', async () => {
    const created = obj((await h.workspace.admin.post('/api/flows', { name: 'Diffed', definition: priceReplyFlow('Ten euros') })).body);
    const id = str(created['id']);
    expect((await h.workspace.admin.post(`/api/flows/${id}/publish`)).status).toBe(201);
    const edited = priceReplyFlow('Twelve euros');
    const withEnd = {
      ...edited,
      nodes: [...edited.nodes, { id: 'end', type: 'control.end', typeVersion: 1, label: 'Done', position: { x: 0, y: 300 }, config: {} }],
      edges: [...edited.edges, { id: 'e2', source: 'reply', sourceOutput: 'next', target: 'end' }],
    };
    const saved = await h.workspace.admin.put(`/api/flows/${id}`, { revision: created['revision'], definition: withEnd });
    expect(saved.status).toBe(200);
    const [edit] = await entries(`?action=flow.edited&subjectId=${id}`);
    expect(obj(edit?.['details'])['steps']).toEqual([
      expect.stringMatching(/^Added the step “Done”/),
      expect.stringMatching(/^Changed its settings of the step .*\(reply\)\.$/),
      expect.stringMatching(/^Connected .*\(reply\) \(next\) to “Done”/),
    ]);
    expect((await h.workspace.admin.post(`/api/flows/${id}/publish`)).status).toBe(201);
    const [second, first] = await entries(`?action=flow.published&subjectId=${id}`);
    expect(first?.['versionDiff']).toEqual({
      fromVersion: null,
      toVersion: 1,
      sentences: [expect.stringMatching(/^First version: 2 steps/)],
    });
    expect(second?.['versionDiff']).toEqual({ fromVersion: 1, toVersion: 2, sentences: obj(edit?.['details'])['steps'] });
    // Entries that are not publishes carry no diff.
    expect(edit?.['versionDiff']).toBeNull();
    // A rollback to v1 says what it undid, from v2 to v1.
    expect((await h.workspace.admin.post(`/api/flows/${id}/rollback`, { version: 1 })).status).toBeLessThan(300);
    const [rollback] = await entries(`?action=flow.rolled_back&subjectId=${id}`);
    expect(rollback?.['versionDiff']).toEqual({
      fromVersion: 2,
      toVersion: 1,
      sentences: [
        expect.stringMatching(/^Removed the step “Done”/),
        expect.stringMatching(/^Changed its settings of the step/),
        expect.stringMatching(/^Disconnected .* to “Done”/),
      ],
    });
  });

  it('chains entries safely under concurrent inserts, and verify says the chain is intact', async () => {
    const audit = h.app.get(AuditService);
    const dataSource = h.app.get(DataSource);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        dataSource.transaction(async (manager) => {
          await audit.record(
            { workspaceId: h.workspace.id, actorUserId: adminId, action: 'test.concurrent', subjectType: 'test', subjectId: String(i) },
            manager,
          );
        }),
      ),
    );
    const seqs = await h.sql(`SELECT chain_seq::int AS seq FROM audit_log WHERE workspace_id = $1 ORDER BY chain_seq`, [h.workspace.id]);
    expect(seqs.map((r) => r['seq'])).toEqual(seqs.map((_, i) => i + 1));
    const verify = obj((await h.workspace.admin.get('/api/audit/verify')).body);
    expect(verify).toMatchObject({
      intact: true,
      firstBroken: null,
      entries: seqs.length,
      headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('finds the first entry changed behind the application’s back', async () => {
    const [target] = await h.sql(
      `SELECT id::text FROM audit_log WHERE workspace_id = $1 AND action = 'test.concurrent' ORDER BY chain_seq LIMIT 1 OFFSET 5`,
      [h.workspace.id],
    );
    const id = str(target?.['id']);
    // Only a superuser who switches the guard off can do this; the chain still shows it.
    const superuser = new Client({ connectionString: h.db.url });
    await superuser.connect();
    try {
      await superuser.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await superuser.query(`UPDATE audit_log SET details = '{"forged": true}' WHERE id = $1`, [id]);
      await superuser.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    } finally {
      await superuser.end();
    }
    const verify = obj((await h.workspace.admin.get('/api/audit/verify')).body);
    expect(verify).toMatchObject({ intact: false, firstBroken: { id, reason: expect.stringContaining('changed') } });
    // Another workspace's chain is its own, and still intact.
    const other = await h.addWorkspace('Untouched');
    expect(obj((await other.admin.get('/api/audit/verify')).body)).toMatchObject({ intact: true });
  });

  it('filters by actor, action kind, subject and time, and pages without gaps', async () => {
    const all = await entries('?limit=500');
    expect(new Set((await entries(`?actorUserId=${adminId}&limit=500`)).map((e) => obj(e['actor'])['id']))).toEqual(new Set([adminId]));
    const flows = await entries('?action=flow.&limit=500');
    expect(flows.length).toBeGreaterThan(0);
    expect(flows.every((e) => str(e['action']).startsWith('flow.'))).toBe(true);
    expect(await entries('?from=2999-01-01T00:00:00Z')).toEqual([]);
    const seen: string[] = [];
    let before: string | null = null;
    do {
      const body = obj((await h.workspace.admin.get(`/api/audit?limit=7${before ? `&before=${before}` : ''}`)).body);
      seen.push(...arr(body['data']).map((e) => str(obj(e)['id'])));
      before = body['nextBefore'] === null ? null : str(body['nextBefore']);
    } while (before !== null);
    expect(seen).toEqual(all.map((e) => str(e['id'])));
  });

  it('exports CSV (quoting formulas away) and records the export', async () => {
    await h.workspace.admin.post('/api/flows', { name: '=HYPERLINK("http://x")', definition: priceReplyFlow() });
    const response = await fetch(`${h.url}/api/audit/export.csv?action=flow.created`, {
      headers: { authorization: `Bearer ${h.workspace.admin.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe('time_utc,actor_name,actor_email,action,subject_type,subject_id,subject,ip,user_agent,details,hash');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.some((l) => l.includes(`"'=HYPERLINK(""http://x"")"`))).toBe(true);
    expect(await h.count('audit_log', `action = 'audit.exported'`)).toBe(1);
  });

  it('is for admins only, and refuses bad filters naming them', async () => {
    const marketer = await h.workspace.user('marketer');
    for (const path of ['/api/audit', '/api/audit/verify', '/api/audit/export.csv']) expect((await marketer.get(path)).status).toBe(403);
    for (const [query, field] of [
      ['action=DROP TABLE', 'action'],
      ['actorUserId=me', 'actorUserId'],
      ['before=abc', 'before'],
      ['from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z', 'from'],
    ]) {
      const response = await h.workspace.admin.get(`/api/audit?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(response.body)).toContain(field);
    }
  });
});
