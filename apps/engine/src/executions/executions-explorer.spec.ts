import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';
import { ManualClock } from '../test-support/manual-clock';
import { Scenario } from '../test-support/scenario';

describe('executions explorer: filters across flows, health strip, saved views', () => {
  let h: EngineHarness;
  let s: Scenario;
  let clock: ManualClock;
  let priceFlow: string;

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    h = await startEngineHarness({ clock });
    s = await Scenario.create(h, 'explorer');
    priceFlow = await s.publish(priceReplyFlow('Prices start at 10 EUR', 'price'), 'Price reply');
    await s.publish(priceReplyFlow('Hello!', 'hello'), 'Hello reply');
    await fetch(`${h.simulator.url}/sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ to: '393338000002', kind: 'graph_error', code: 131026 }),
    });
    await s.customer('393338000001', 'Giulia Bianchi').says('price?');
    await s.customer('393338000002', 'Marco Neri').says('price?');
    await h.advance(2 * 3_600_000);
    await s.customer('393338000003', 'Sara Verdi').says('hello');
  });
  afterAll(async () => {
    await h.close();
  });

  async function list(query: string): Promise<Record<string, unknown>[]> {
    const response = await s.admin.get(`/api/executions?${query}`);
    expect({ query, status: response.status }).toEqual({ query, status: 200 });
    return arr(obj(response.body)['data']).map(obj);
  }

  it('finds runs by part of the contact’s name or number, by failed step, by several statuses and test runs', async () => {
    expect((await list('contact=bianchi')).map((e) => obj(e['contact'])['name'])).toEqual(['Giulia Bianchi']);
    expect((await list('contact=%2B39 333 800 0003')).map((e) => obj(e['contact'])['name'])).toEqual(['Sara Verdi']);
    expect(await list('contact=nobody')).toEqual([]);
    const failed = await list('failedStep=reply');
    expect(failed.map((e) => [e['status'], e['currentNodeId'], e['errorCode']])).toEqual([['failed', 'reply', '131026']]);
    expect(await list('failedStep=trigger')).toEqual([]);
    const both = await list('status=failed,succeeded');
    expect(new Set(both.map((e) => e['status']))).toEqual(new Set(['failed', 'succeeded']));
    expect(both).toHaveLength(3);
    // Several statuses are read one status at a time and merged: paged one by one, the same rows in the same order.
    const paged: unknown[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page += 1) {
      const body = obj((await s.admin.get(`/api/executions?status=failed,succeeded&limit=1${cursor}`)).body);
      paged.push(...arr(body['data']).map((e) => obj(e)['id']));
      if (body['nextCursor'] === null) break;
      cursor = `&cursor=${str(body['nextCursor'])}`;
    }
    expect(paged).toEqual(both.map((e) => e['id']));
    expect(await list('testRuns=only')).toEqual([]);
    expect(await list('testRuns=exclude')).toHaveLength(3);
    expect(await list(`flowId=${priceFlow}&status=succeeded`)).toHaveLength(1);
    expect(await list('stuck=true')).toEqual([]);
  });

  it('counts runs and failures against the previous period, and what is active now', async () => {
    const response = await s.admin.get('/api/executions/health?from=2026-03-02T10:00:00Z&to=2026-03-02T12:00:00Z');
    expect(response.status).toBe(200);
    expect(obj(response.body)).toMatchObject({
      runs: 1,
      failures: 0,
      failureRate: 0,
      previous: { runs: 2, failures: 1, failureRate: 0.5 },
      waiting: 0,
      held: 0,
      stuck: 0,
      parkedWebhooks: [],
    });
    expect((await s.admin.get('/api/executions/health?from=2026-03-02T12:00:00Z&to=2026-03-02T10:00:00Z')).status).toBe(400);
  });

  it('keeps saved views per person', async () => {
    const marketer = await h.workspace.user('marketer');
    const saved = await s.admin.post('/api/executions/views', { name: 'Failed sends', query: 'status=failed&errorCode=131026' });
    expect(saved.status).toBe(201);
    expect((await s.admin.post('/api/executions/views', { name: 'Failed sends', query: '' })).status).toBe(409);
    expect(arr(obj((await marketer.get('/api/executions/views')).body)['data'])).toEqual([]);
    const id = str(obj(saved.body)['id']);
    expect((await marketer.request('DELETE', `/api/executions/views/${id}`)).status).toBe(404);
    expect(arr(obj((await s.admin.get('/api/executions/views')).body)['data']).map((v) => obj(v)['name'])).toEqual(['Failed sends']);
    expect((await s.admin.request('DELETE', `/api/executions/views/${id}`)).status).toBe(204);
    expect((await s.admin.post('/api/executions/views', { name: 'x', query: '<script>' })).status).toBe(400);
  });

  it('counts what is active now up to a cap, and says when a count reached it', async () => {
    const health = async () => obj((await s.admin.get('/api/executions/health')).body);
    expect(await health()).toMatchObject({ held: 0, countCap: 10_000, capped: [] });
    // Held runs: nothing in the engine moves them on its own while this test looks.
    await h.sql(
      `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, started_at, updated_at)
       SELECT e.workspace_id, e.flow_id, e.flow_version_id, e.contact_id, 'held', 'reply', now(), now()
         FROM (SELECT * FROM executions WHERE flow_id = $1 LIMIT 1) e, generate_series(1, $2)`,
      [priceFlow, 10_000],
    );
    expect(await health()).toMatchObject({ held: 10_000, capped: [] });
    await h.sql(
      `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, started_at, updated_at)
       SELECT workspace_id, flow_id, flow_version_id, contact_id, 'held', 'reply', now(), now() FROM executions WHERE status = 'held' LIMIT 1`,
    );
    expect(await health()).toMatchObject({ held: 10_000, waiting: 0, capped: ['held'] });
    expect((await list('status=held&limit=5')).map((e) => e['status'])).toEqual(['held', 'held', 'held', 'held', 'held']);
  });

  /** Every page of `query` (200 a page), the ids in order. */
  async function allPages(query: string): Promise<unknown[]> {
    const ids: unknown[] = [];
    let cursor = '';
    for (let page = 0; page < 50; page += 1) {
      const body = obj((await s.admin.get(`/api/executions?${query}&limit=200${cursor}`)).body);
      ids.push(...arr(body['data']).map((e) => obj(e)['id']));
      if (body['nextCursor'] === null) return ids;
      cursor = `&cursor=${str(body['nextCursor'])}`;
    }
    throw new Error(`${query}: more than 50 pages`);
  }

  it('pages a contact search the same whether it matches a few contacts or many (each contact’s runs merged, or walked newest first)', async () => {
    // 2,100 customers named "Walker n", two runs each (one succeeded, one failed) a minute apart: "walker" matches all
    // 2,100 (more than the 2,000 read by contact, so the runs are walked newest first), "walker 1" matches 1,111 and
    // "walker 20" 11 (each contact's runs read by contact and merged).
    await h.sql(
      `WITH made AS (
         INSERT INTO contacts (workspace_id, wa_id, phone_e164, display_name)
         SELECT $1, (393339000000 + g)::text, '+' || (393339000000 + g)::text, 'Walker ' || g FROM generate_series(1, 2100) g
         RETURNING id, wa_id)
       INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, error_code, started_at, updated_at)
       SELECT e.workspace_id, e.flow_id, e.flow_version_id, m.id, r.status, 'reply', r.error_code,
              '2026-02-01T00:00:00Z'::timestamptz + (m.wa_id::bigint - 393339000000) * interval '1 minute'
                + ((m.wa_id::bigint * 7) % 13) * interval '1 day', now()
         FROM made m CROSS JOIN (SELECT * FROM executions WHERE workspace_id = $1 LIMIT 1) e
        CROSS JOIN (VALUES ('succeeded', NULL), ('failed', '131026')) r(status, error_code)`,
      [s.workspace.id],
    );
    const expected = async (name: string, where = 'true') =>
      (
        await h.sql(
          `SELECT e.id FROM executions e JOIN contacts c ON c.id = e.contact_id
            WHERE e.workspace_id = $1 AND c.display_name ILIKE $2 AND ${where} ORDER BY e.started_at DESC, e.id DESC`,
          [s.workspace.id, name],
        )
      ).map((row) => row['id']);
    const walked = await allPages('contact=walker');
    expect(walked).toHaveLength(4200);
    expect(walked).toEqual(await expected('%walker%'));
    const byContact = await allPages('contact=walker%201');
    expect(byContact).toHaveLength(2222);
    expect(byContact).toEqual(await expected('%walker 1%'));
    expect(await allPages('contact=walker%2020')).toEqual(await expected('%walker 20%'));
    expect(await allPages('contact=walker%201&status=failed')).toEqual(await expected('%walker 1%', `e.status = 'failed'`));
    expect(await allPages('contact=walker%201&status=failed,succeeded&from=2026-02-05T00:00:00Z')).toEqual(
      await expected('%walker 1%', `e.started_at >= '2026-02-05T00:00:00Z'`),
    );
    expect(await allPages('contact=walker%201&errorCode=131026&to=2026-02-03T00:00:00Z')).toEqual(
      await expected('%walker 1%', `e.error_code = '131026' AND e.started_at < '2026-02-03T00:00:00Z'`),
    );
    expect(await allPages('contact=walker&status=held')).toEqual([]);
    expect(await allPages('contact=walker%201&status=held')).toEqual([]);
    expect(await allPages('contact=walker&failedStep=trigger')).toEqual([]);
  }, 180_000);

  it('refuses bad explorer filters naming them', async () => {
    for (const [query, field] of [
      ['status=failed,exploded', 'status'],
      ['stuck=maybe', 'stuck'],
      ['testRuns=some', 'testRuns'],
      [`contact=${'x'.repeat(101)}`, 'contact'],
    ]) {
      const response = await s.admin.get(`/api/executions?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(JSON.stringify(response.body)).toContain(field);
    }
  });
});
