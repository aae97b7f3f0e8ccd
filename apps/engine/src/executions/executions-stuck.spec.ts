import { randomBytes } from 'node:crypto';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';
import { ManualClock } from '../test-support/manual-clock';
import { Scenario } from '../test-support/scenario';
import { BulkExecutionsService } from './bulk/bulk-executions.service';

// The API alone (work goes to Redis, no worker takes it), so overdue waits stay overdue while the test looks: in a
// whole engine the wait timer resumes them within a poll.
const redisUrl = process.env['REDIS_URL'];

(redisUrl ? describe : describe.skip)('executions explorer: stuck runs, few or many, with other filters', () => {
  let h: EngineHarness;
  let s: Scenario;
  let flowId: string;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));

  beforeAll(async () => {
    h = await startEngineHarness({
      clock,
      env: { REDIS_URL: redisUrl ?? '', REDIS_PREFIX: `t${randomBytes(4).toString('hex')}`, ENGINE_ROLE: 'api' },
    });
    s = await Scenario.create(h, 'stuck');
    flowId = await s.publish(priceReplyFlow('Prices start at 10 EUR', 'price'), 'Price reply');
  });
  afterAll(async () => {
    await h.close();
  });

  /** Every page of `query` (200 a page), the ids in order. */
  async function allPages(query: string): Promise<unknown[]> {
    const ids: unknown[] = [];
    let cursor = '';
    for (let page = 0; page < 50; page += 1) {
      const response = await s.admin.get(`/api/executions?${query}&limit=200${cursor}`);
      expect({ query, status: response.status }).toEqual({ query, status: 200 });
      const body = obj(response.body);
      ids.push(...arr(body['data']).map((e) => obj(e)['id']));
      if (body['nextCursor'] === null) return ids;
      cursor = `&cursor=${str(body['nextCursor'])}`;
    }
    throw new Error(`${query}: more than 50 pages`);
  }

  /**
   * `count` waiting runs of the flow a minute apart (the newest `firstMinute` minutes ago), two in three on a wait
   * due an hour ago (stuck), one in three on a wait due tomorrow (waiting, not stuck).
   */
  async function waitingRuns(count: number, firstMinute: number): Promise<void> {
    await h.sql(
      `WITH contact AS (
         INSERT INTO contacts (workspace_id, wa_id, phone_e164, display_name)
         VALUES ($1, $5, '+' || $5, 'Stuck ' || $5) ON CONFLICT DO NOTHING RETURNING id),
       made AS (
         INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, started_at, updated_at)
         SELECT $1, f.id, f.published_version_id, c.id, 'waiting', 'reply', $2::timestamptz - (g + $4) * interval '1 minute',
                $2::timestamptz - interval '1 hour'
           FROM flows f, contact c, generate_series(1, $3) g WHERE f.id = $6
         RETURNING id, contact_id, started_at)
       INSERT INTO waits (workspace_id, contact_id, execution_id, node_id, kind, due_at)
       SELECT $1, contact_id, id, 'reply', 'delay',
              CASE WHEN (extract(epoch FROM started_at)::bigint / 60) % 3 = 0 THEN $2::timestamptz + interval '1 day'
                   ELSE $2::timestamptz - interval '1 hour' END
         FROM made`,
      [s.workspace.id, clock.now(), count, firstMinute, `39333700${String(firstMinute).padStart(4, '0')}`, flowId],
    );
  }

  const expected = async (where = 'true') =>
    (
      await h.sql(
        `SELECT e.id FROM executions e
          WHERE e.workspace_id = $1 AND ${where}
            AND ((e.status = 'running' AND e.updated_at < $2)
              OR (e.status = 'waiting' AND EXISTS (SELECT 1 FROM waits w WHERE w.execution_id = e.id AND w.status = 'waiting' AND w.due_at < $2)))
          ORDER BY e.started_at DESC, e.id DESC`,
        [s.workspace.id, new Date(clock.now().getTime() - 15 * 60_000)],
      )
    ).map((row) => row['id']);

  async function samePagesAsSql(): Promise<void> {
    const week = new Date(clock.now().getTime() - 7 * 86_400_000).toISOString();
    expect(await allPages('stuck=true')).toEqual(await expected());
    expect(await allPages(`stuck=true&from=${week}`)).toEqual(await expected(`e.started_at >= '${week}'`));
    expect(await allPages(`stuck=true&to=${week}`)).toEqual(await expected(`e.started_at < '${week}'`));
    expect(await allPages('stuck=true&status=waiting')).toEqual(await expected(`e.status = 'waiting'`));
    expect(await allPages(`stuck=true&flowId=${flowId}&status=running,waiting`)).toEqual(await expected(`e.flow_id = '${flowId}'`));
    expect(await allPages('stuck=true&status=failed')).toEqual([]);
    // The strip counts stuck runs exactly up to 1,000 and then says "at least".
    const stuck = (await expected()).length;
    expect(obj((await s.admin.get('/api/executions/health')).body)).toMatchObject({
      stuck: Math.min(stuck, 1_000),
      stuckCountCap: 1_000,
      capped: stuck > 1_000 ? ['stuck'] : [],
    });
  }

  it('pages a few stuck runs (fetched as a set) as SQL finds them', async () => {
    await waitingRuns(60, 0);
    const few = (await expected()).length;
    expect(few).toBeGreaterThan(30);
    expect(few).toBeLessThan(60);
    await samePagesAsSql();
  });

  it('marks each listed run stuck or not, as SQL finds it (running ones by their last change too)', async () => {
    // One running run whose last change was an hour ago (stuck) and one changed a minute ago (not).
    await h.sql(
      `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, started_at, updated_at)
       SELECT $1, f.id, f.published_version_id, (SELECT id FROM contacts WHERE workspace_id = $1 LIMIT 1), 'running', 'reply',
              $2::timestamptz - interval '1 minute' * g, $2::timestamptz - CASE WHEN g = 1 THEN interval '1 hour' ELSE interval '1 minute' END
         FROM flows f, generate_series(1, 2) g WHERE f.id = $3`,
      [s.workspace.id, clock.now(), flowId],
    );
    const stuck = new Set(await expected());
    const rows = arr(obj((await s.admin.get('/api/executions?limit=200&status=running,waiting')).body)['data']).map(obj);
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.filter((row) => row['stuck'] === true).length).toBeGreaterThan(20);
    expect(rows.filter((row) => row['stuck'] === false).length).toBeGreaterThan(10);
    for (const row of rows) expect({ id: row['id'], stuck: row['stuck'] }).toEqual({ id: row['id'], stuck: stuck.has(row['id']) });
    const running = rows.filter((row) => row['status'] === 'running');
    expect(running.map((row) => row['stuck']).sort()).toEqual([false, true]);
    const detail = obj((await s.admin.get(`/api/executions/${str(running.find((row) => row['stuck'])?.['id'])}`)).body);
    expect(detail['stuck']).toBe(true);
  });

  it("cancels exactly the stuck runs from the strip's filter: counted first, then the job", async () => {
    const stuck = await expected();
    const notStuck = (
      await h.sql(`SELECT id FROM executions WHERE workspace_id = $1 AND status IN ('running', 'waiting') AND NOT (id = ANY($2))`, [
        s.workspace.id,
        stuck,
      ])
    ).map((row) => row['id']);
    expect(notStuck.length).toBeGreaterThan(0);
    const preview = await s.admin.post('/api/executions/bulk/preview', { action: 'cancel', filter: { stuck: 'true' }, excluded: [] });
    expect(preview.status).toBe(200);
    expect(obj(preview.body)['count']).toBe(stuck.length);
    const job = await s.admin.post('/api/executions/bulk/jobs', {
      action: 'cancel',
      filter: { stuck: 'true' },
      excluded: [],
      expectedCount: stuck.length,
      requestKey: 'cancel-stuck-0001',
    });
    expect(job.status).toBe(202);
    await h.app.get(BulkExecutionsService).whenIdle();
    const statuses = await h.sql(`SELECT status, count(*)::int AS n FROM executions WHERE id = ANY($1) GROUP BY status`, [stuck]);
    expect(statuses).toEqual([{ status: 'cancelled', n: stuck.length }]);
    expect(await h.count('executions', `id = ANY('{${notStuck.join(',')}}'::uuid[]) AND status IN ('running', 'waiting')`)).toBe(
      notStuck.length,
    );
    expect(await expected()).toEqual([]);
  });

  it('pages thousands of stuck runs (the waiting runs walked newest first) as SQL finds them, with a time range', async () => {
    // Spread over 20 days from 9 days ago: some in the last week, most before it.
    await waitingRuns(3300, 60 * 24 * 9);
    expect((await expected()).length).toBeGreaterThan(2_000);
    await samePagesAsSql();
  });
});
