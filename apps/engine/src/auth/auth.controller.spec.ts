import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { ManualClock } from '../test-support/manual-clock';
import { arr, obj, str } from '../test-support/json';

describe('sign-in, sessions and lockout', () => {
  let h: EngineHarness;
  const clock = new ManualClock();

  beforeAll(async () => {
    h = await startEngineHarness({ clock, env: { LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_MINUTES: '10', SESSION_TTL_HOURS: '2' } });
  });
  afterAll(async () => {
    await h.close();
  });

  async function newUser(role: 'admin' | 'marketer' | 'support'): Promise<{ email: string; password: string; id: string }> {
    const email = `${role}-${Math.random().toString(36).slice(2)}@example.com`;
    const password = 'a long password 123';
    const created = await h.workspace.admin.post('/api/users', { email, password, role });
    expect(created.status).toBe(201);
    return { email, password, id: str(obj(created.body)['id']) };
  }

  it('signs in with the cookie httpOnly and SameSite=Lax, and never stores the password', async () => {
    const user = await newUser('marketer');
    const response = await fetch(`${h.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email.toUpperCase(), password: user.password }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^parley_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const me = await fetch(`${h.url}/api/auth/me`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(obj(obj(await me.json())['user'])).toMatchObject({ email: user.email, role: 'marketer' });
    const stored: unknown = await h.dataSource.query('SELECT password_hash FROM users WHERE email = $1', [user.email]);
    expect(JSON.stringify(stored)).not.toContain(user.password);
    expect(JSON.stringify(stored)).toContain('$argon2id$');
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const user = await newUser('support');
    const wrong = await h.anonymous.post('/api/auth/login', { email: user.email, password: 'wrong password' });
    const unknown = await h.anonymous.post('/api/auth/login', { email: 'ghost@example.com', password: 'wrong password' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(obj(wrong.body)['message']).toBe(obj(unknown.body)['message']);
  });

  it('refuses malformed sign-in bodies with 400', async () => {
    expect((await h.anonymous.post('/api/auth/login', { email: 'x' })).status).toBe(400);
    const raw = await fetch(`${h.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(raw.status).toBe(400);
    expect(obj(await raw.json())['message']).toBe('The request body is not valid JSON.');
  });

  it('locks an account after repeated failures, even for the right password, until the lockout ends', async () => {
    const user = await newUser('marketer');
    for (let i = 0; i < 3; i += 1) {
      expect((await h.anonymous.post('/api/auth/login', { email: user.email, password: 'nope' })).status).toBe(401);
    }
    const locked = await h.anonymous.post('/api/auth/login', { email: user.email, password: user.password });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(10 * 60 * 1000 + 1000);
    expect((await h.anonymous.post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(200);
  });

  it('forgets old failures once the window has passed', async () => {
    const user = await newUser('marketer');
    for (let i = 0; i < 2; i += 1) await h.anonymous.post('/api/auth/login', { email: user.email, password: 'nope' });
    clock.advance(11 * 60 * 1000);
    for (let i = 0; i < 2; i += 1) await h.anonymous.post('/api/auth/login', { email: user.email, password: 'nope' });
    expect((await h.anonymous.post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(200);
  });

  it('ends the session on logout', async () => {
    const user = await newUser('support');
    const client = await h.anonymous.login(user.email, user.password);
    expect((await client.get('/api/auth/me')).status).toBe(200);
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('shuts out a disabled user at once, including open sessions', async () => {
    const user = await newUser('marketer');
    const client = await h.anonymous.login(user.email, user.password);
    expect((await h.workspace.admin.request('PATCH', `/api/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect((await client.get('/api/flows')).status).toBe(401);
    expect((await h.anonymous.post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(401);
  });

  it('does not let admins lock themselves out', async () => {
    const me = obj(obj((await h.workspace.admin.get('/api/auth/me')).body)['user']);
    const response = await h.workspace.admin.request('PATCH', `/api/users/${str(me['id'])}`, { role: 'support' });
    expect(response.status).toBe(409);
  });

  it('records sign-ins and user changes in the audit log', async () => {
    const audit = await h.workspace.admin.get('/api/audit');
    const actions = arr(obj(audit.body)['data']).map((e) => obj(e)['action']);
    expect(actions).toEqual(expect.arrayContaining(['user.login', 'user.created', 'user.updated']));
  });

  it('refuses to change the audit log', async () => {
    await expect(h.dataSource.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(h.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });
  // Moves the clock past every session's lifetime, so it runs last.
  it('expires sessions after SESSION_TTL_HOURS', async () => {
    const user = await newUser('support');
    const client = await h.anonymous.login(user.email, user.password);
    clock.advance(2 * 60 * 60 * 1000 - 1000);
    expect((await client.get('/api/auth/me')).status).toBe(200);
    clock.advance(2000);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });
});
