import { inboundTextPayload, newWamid } from '@parley/whatsapp-simulator';
import { type EngineHarness, startEngineHarness, type TestWorkspace } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { postWebhook } from '../test-support/signed-webhook';
import { WebhookProcessorService } from '../whatsapp/webhook-processor.service';

describe('parked webhooks: listed per workspace, replayed through the normal ingest path', () => {
  let h: EngineHarness;
  let other: TestWorkspace;

  beforeAll(async () => {
    h = await startEngineHarness();
    other = await h.addWorkspace('Other shop');
  });
  afterAll(async () => {
    await h.close();
  });

  /**
   * A delivery for a message nobody has seen yet, parked as the processor
   * parks one that failed its attempts: a real delivery's body with a new
   * message id and text (its deployment signature was checked when stored).
   */
  async function parkedDelivery(text: string): Promise<{ id: string; wamid: string }> {
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393331112222', name: 'Pia', text: 'first' });
    await h.settle();
    const [template] = await h.sql(
      `SELECT convert_from(body, 'UTF8') AS body FROM webhook_deliveries WHERE status = 'processed' ORDER BY id DESC LIMIT 1`,
    );
    const body = str(template?.['body']);
    const [wamid] = /wamid\.[A-Za-z0-9_=.-]+/.exec(body) ?? [];
    if (!wamid) throw new Error(`no wamid in ${body}`);
    const fresh = `${wamid}x${Date.now()}`;
    const [row] = await h.sql(
      `INSERT INTO webhook_deliveries (provider, received_at, body, processed_at, attempts, last_error, status, workspace_ids)
       SELECT 'whatsapp', now(), b, now(), 5, 'connection terminated unexpectedly', 'parked', parley_webhook_workspaces(b)
         FROM (SELECT convert_to($1, 'UTF8') AS b) body RETURNING id::text AS id`,
      [body.split(wamid).join(fresh).replace('"first"', JSON.stringify(text))],
    );
    return { id: str(row?.['id']), wamid: fresh };
  }

  it('lists a parked delivery to its workspace only, and a replay applies it once, audited', async () => {
    const parked = await parkedDelivery('replayed hello');
    const listed = arr(obj((await h.workspace.admin.get('/api/webhooks/parked')).body)['data']).map(obj);
    expect(listed.map((d) => d['id'])).toContain(parked.id);
    expect(listed.find((d) => d['id'] === parked.id)).toMatchObject({ attempts: 5, lastError: 'connection terminated unexpectedly' });
    // Another workspace neither sees it nor replays it.
    expect(arr(obj((await other.admin.get('/api/webhooks/parked')).body)['data'])).toEqual([]);
    expect((await other.admin.post(`/api/webhooks/parked/${parked.id}/replay`)).status).toBe(404);
    // Nor in the explorer's health strip, where the error could quote the customer's words.
    const health = (admin: typeof other.admin) =>
      admin.get('/api/executions/health').then((r) => arr(obj(r.body)['parkedWebhooks']).map((d) => obj(d)['id']));
    expect(await health(h.workspace.admin)).toContain(parked.id);
    expect(await health(other.admin)).toEqual([]);
    expect(await h.count('messages', 'wamid = $1', [parked.wamid])).toBe(0);

    const replay = await h.workspace.admin.post(`/api/webhooks/parked/${parked.id}/replay`);
    expect(replay.status).toBe(200);
    expect(obj(replay.body)).toEqual({ id: parked.id, replayed: true, status: 'pending' });
    await h.settle();
    expect(await h.count('messages', 'wamid = $1', [parked.wamid])).toBe(1);
    const [after] = await h.sql('SELECT status, attempts FROM webhook_deliveries WHERE id = $1', [parked.id]);
    expect(after).toEqual({ status: 'processed', attempts: 1 });

    // Sent twice (a double click, two tabs): the second changes nothing and is not audited again.
    const again = await h.workspace.admin.post(`/api/webhooks/parked/${parked.id}/replay`);
    expect(obj(again.body)).toEqual({ id: parked.id, replayed: false, status: 'processed' });
    await h.settle();
    expect(await h.count('messages', 'wamid = $1', [parked.wamid])).toBe(1);
    const audit = arr(obj((await h.workspace.admin.get(`/api/audit?action=webhook.replayed&subjectId=${parked.id}`)).body)['data']).map(
      obj,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ subjectType: 'webhook_delivery', details: { attemptsBefore: 5 }, actorApiKey: null });
    expect(JSON.stringify(audit[0])).not.toContain('replayed hello');
    expect(arr(obj((await h.workspace.admin.get('/api/webhooks/parked')).body)['data']).map((d) => obj(d)['id'])).not.toContain(parked.id);
  });

  it('records a replay made with an API key as done by the key, by name and prefix', async () => {
    const created = obj((await h.workspace.admin.post('/api/api-keys', { name: 'Ops robot' })).body);
    const key = str(created['key']);
    const keys = arr(obj((await h.workspace.admin.get('/api/api-keys')).body)['data']).map(obj);
    expect(keys.find((k) => k['id'] === created['id'])?.['prefix']).toBe(key.slice(0, 10));

    const parked = await parkedDelivery('robot hello');
    const replay = await fetch(`${h.url}/api/webhooks/parked/${parked.id}/replay`, { method: 'POST', headers: { 'x-api-key': key } });
    expect(replay.status).toBe(200);
    // A key still reaches only the routes that allow keys.
    expect((await fetch(`${h.url}/api/webhooks/parked`, { headers: { 'x-api-key': key } })).status).toBe(403);

    const [entry] = arr(obj((await h.workspace.admin.get(`/api/audit?action=webhook.replayed&subjectId=${parked.id}`)).body)['data']).map(
      obj,
    );
    expect(entry).toMatchObject({ actor: null, actorApiKey: { id: created['id'], name: 'Ops robot', prefix: key.slice(0, 10) } });
    const [stored] = await h.sql('SELECT actor_user_id FROM audit_log WHERE action = $1 AND subject_id = $2', [
      'webhook.replayed',
      parked.id,
    ]);
    expect(stored?.['actor_user_id']).toBeNull();
    const csv = await h.workspace.admin.get(`/api/audit/export.csv?action=webhook.replayed`);
    expect(String(csv.body)).toContain(`API key Ops robot (${key.slice(0, 10)})`);
    // The chain still verifies with the key in the entry.
    expect(obj((await h.workspace.admin.get('/api/audit/verify')).body)['intact']).toBe(true);
  });

  it('stores whose a delivery is when the processor parks it, and finds it behind any number of other workspaces’ newer ones', async () => {
    // Every attempt fails the same way (not a passing fault): the delivery is parked after its attempts.
    await h.dataSource.query(`
      CREATE FUNCTION test_refuse_processed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'refused by the test';
      END $$;
      CREATE TRIGGER test_refuse_processed BEFORE UPDATE ON webhook_deliveries
        FOR EACH ROW WHEN (NEW.status = 'processed') EXECUTE FUNCTION test_refuse_processed();
    `);
    const number = h.simulator.state.numbers.get(h.workspace.phoneNumberId);
    if (!number) throw new Error('no simulated number');
    const payload = inboundTextPayload({
      number,
      from: '393338100001',
      name: 'Pia',
      wamid: newWamid(),
      text: 'parked',
      sentAt: new Date(),
    });
    expect((await postWebhook(h.url, payload, { secret: h.appSecret })).status).toBe(200);
    const [delivery] = await h.sql('SELECT id::text AS id FROM webhook_deliveries ORDER BY id DESC LIMIT 1');
    const id = str(delivery?.['id']);
    const processor = h.app.get(WebhookProcessorService);
    const status = async () => str((await h.sql('SELECT status FROM webhook_deliveries WHERE id = $1', [id]))[0]?.['status']);
    // The live worker tries the same delivery (its own work item, retried with backoff): a call that finds the row
    // held by it skips it, as it must, and counts no attempt. So calls go on until it is parked, not a fixed number.
    const deadline = Date.now() + 30_000;
    while ((await status()) !== 'parked' && Date.now() < deadline) await processor.process(id).catch(() => null);
    await h.idle();
    await h.dataSource.query('DROP TRIGGER test_refuse_processed ON webhook_deliveries; DROP FUNCTION test_refuse_processed()');
    expect(await h.sql('SELECT status, workspace_ids FROM webhook_deliveries WHERE id = $1', [id])).toEqual([
      { status: 'parked', workspace_ids: [h.workspace.id] },
    ]);
    // Its workspace's admins hear of it once, on their bell; no other workspace does.
    const bell = obj((await h.workspace.admin.get('/api/notifications')).body);
    const parkedNotes = arr(bell['data'])
      .map(obj)
      .filter((n) => n['kind'] === 'webhook_parked');
    expect(parkedNotes).toEqual([expect.objectContaining({ subjectType: 'webhook_delivery', subjectId: id, read: false })]);
    expect(str(parkedNotes[0]?.['body'])).not.toContain('refused by the test');
    const theirBell = arr(obj((await other.admin.get('/api/notifications')).body)['data']).map(obj);
    expect(theirBell.filter((n) => n['kind'] === 'webhook_parked')).toEqual([]);

    // 600 newer parked deliveries of another workspace (more than any scan of the newest few hundred would look at).
    await h.sql(
      `INSERT INTO webhook_deliveries (provider, received_at, body, processed_at, attempts, last_error, status, workspace_ids)
       SELECT 'whatsapp', now(), convert_to('{}', 'UTF8'), now(), 5, 'elsewhere', 'parked', ARRAY[$1::uuid] FROM generate_series(1, 600)`,
      [other.id],
    );
    const listed = (admin: typeof other.admin) =>
      admin.get('/api/webhooks/parked').then((r) => arr(obj(r.body)['data']).map((d) => str(obj(d)['id'])));
    expect(await listed(h.workspace.admin)).toContain(id);
    const theirs = await listed(other.admin);
    expect(theirs).toHaveLength(20);
    expect(theirs).not.toContain(id);
    expect((await other.admin.post(`/api/webhooks/parked/${id}/replay`)).status).toBe(404);
    expect(obj((await h.workspace.admin.post(`/api/webhooks/parked/${id}/replay`)).body)).toMatchObject({ replayed: true });
    await h.settle();
    expect(await status()).toBe('processed');
  });

  it('refuses a malformed id naming it, and an unknown one with 404', async () => {
    const bad = await h.workspace.admin.post('/api/webhooks/parked/abc/replay');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('id');
    expect((await h.workspace.admin.post('/api/webhooks/parked/999999999/replay')).status).toBe(404);
  });
});
