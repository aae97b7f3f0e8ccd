import { randomInt } from 'node:crypto';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { obj } from '../test-support/json';
import { ManualClock } from '../test-support/manual-clock';
import { Scenario } from '../test-support/scenario';

const STATUSES = ['running', 'waiting', 'held', 'succeeded', 'failed', 'cancelled'];

function pick<T>(items: readonly T[]): T {
  const item = items[randomInt(items.length)];
  if (item === undefined) throw new Error('nothing to pick from');
  return item;
}

/** The kept counts, summed over the backends that wrote them, and the same counted from the executions: they must be equal. */
const KEPT_HOURLY = `SELECT workspace_id, hour, flow_id, sum(runs)::int AS runs, sum(failures)::int AS failures
                       FROM execution_hourly_counts GROUP BY 1, 2, 3 HAVING sum(runs) <> 0 OR sum(failures) <> 0 ORDER BY 1, 2, 3`;
const RECOUNT_HOURLY = `SELECT workspace_id, date_trunc('hour', started_at, 'UTC') AS hour, flow_id, count(*)::int AS runs,
                               count(*) FILTER (WHERE status = 'failed')::int AS failures
                          FROM executions WHERE NOT test_mode GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
const KEPT_ACTIVE = `SELECT workspace_id, status, sum(n)::int AS n FROM execution_active_counts GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2`;
const RECOUNT_ACTIVE = `SELECT workspace_id, status, count(*)::int AS n FROM executions
                         WHERE status IN ('running', 'waiting', 'held') GROUP BY 1, 2 ORDER BY 1, 2`;

/** True for PostgreSQL's "deadlock detected" (40P01), as the driver or TypeORM reports it. */
function isDeadlock(error: unknown): boolean {
  const driverError = typeof error === 'object' && error !== null && 'driverError' in error ? error.driverError : error;
  return typeof driverError === 'object' && driverError !== null && 'code' in driverError && driverError.code === '40P01';
}

describe('health strip counts kept by the executions triggers', () => {
  let h: EngineHarness;
  let s: Scenario;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));

  beforeAll(async () => {
    h = await startEngineHarness({ clock });
    s = await Scenario.create(h, 'health-counts');
    await s.publish(priceReplyFlow('Prices start at 10 EUR', 'price'), 'Price reply');
    await s.publish(priceReplyFlow('Hello!', 'hello'), 'Hello reply');
    await s.customer('393338100001', 'Giulia Bianchi').says('price?');
    await s.customer('393338100002', 'Marco Neri').says('hello');
  });
  afterAll(async () => {
    await h.close();
  });

  /**
   * One statement of the random workload, run again when PostgreSQL picks it as a deadlock's victim: the engine works
   * on the random "running" runs in the background (its pass holds their rows until it commits), and a victim's
   * statement is rolled back whole, so running it again keeps the comparison with a full recount exact.
   */
  async function sqlRetryingDeadlocks(query: string, parameters?: unknown[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await h.sql(query, parameters);
        return;
      } catch (error) {
        if (!isDeadlock(error) || attempt === 20) throw error;
        // The engine's pass that won is still at work on those runs: give it a moment, at a random pace, before again.
        await new Promise((resolve) => setTimeout(resolve, 20 + randomInt(80)));
      }
    }
  }

  async function expectCountsEqualRecount(): Promise<void> {
    // In one statement (one snapshot): the engine may move a run on between two reads.
    const [both] = await h.sql(
      `SELECT (SELECT coalesce(json_agg(k), '[]') FROM (${KEPT_HOURLY}) k) AS kept_hourly,
              (SELECT coalesce(json_agg(r), '[]') FROM (${RECOUNT_HOURLY}) r) AS recount_hourly,
              (SELECT coalesce(json_agg(k), '[]') FROM (${KEPT_ACTIVE}) k) AS kept_active,
              (SELECT coalesce(json_agg(r), '[]') FROM (${RECOUNT_ACTIVE}) r) AS recount_active`,
    );
    expect(both?.['kept_hourly']).toEqual(both?.['recount_hourly']);
    expect(both?.['kept_active']).toEqual(both?.['recount_active']);
    expect(both?.['recount_hourly']).not.toEqual([]);
  }

  it('equal a full recount after random inserts, updates and deletes from several connections at once', async () => {
    await expectCountsEqualRecount();
    const base = Date.parse('2026-03-01T00:00:00Z');
    const randomRun = () => ({
      status: pick(STATUSES),
      testMode: randomInt(5) === 0,
      // Three days, to the millisecond: runs fall on every side of hour boundaries.
      startedAt: new Date(base + randomInt(3 * 86_400_000)).toISOString(),
    });
    const insert = async () => {
      const runs = Array.from({ length: 1 + randomInt(40) }, randomRun);
      await sqlRetryingDeadlocks(
        `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, current_node_id, test_mode, started_at, updated_at)
         SELECT e.workspace_id, e.flow_id, e.flow_version_id, e.contact_id, r.status, 'random', r.test_mode, r.started_at, r.started_at
           FROM unnest($1::text[], $2::boolean[], $3::timestamptz[]) AS r(status, test_mode, started_at)
          CROSS JOIN LATERAL (SELECT * FROM executions WHERE current_node_id IS DISTINCT FROM 'random' ORDER BY random() LIMIT 1) e`,
        [runs.map((r) => r.status), runs.map((r) => r.testMode), runs.map((r) => r.startedAt)],
      );
    };
    const update = async () => {
      const run = randomRun();
      const change = pick([
        `status = '${run.status}'`,
        `test_mode = ${String(run.testMode)}`,
        `started_at = '${run.startedAt}'`,
        // Changes nothing counted: the trigger's early way out.
        `updated_at = now()`,
        // Another flow: its counts move from one flow's rows to the other's.
        `flow_id = (SELECT flow_id FROM executions WHERE current_node_id IS DISTINCT FROM 'random' ORDER BY random() LIMIT 1)`,
      ]);
      await sqlRetryingDeadlocks(
        // Rows locked in id order first: two random sets updated at once in plan order deadlock on the rows themselves.
        `WITH picked AS (SELECT id FROM executions WHERE current_node_id = 'random' ORDER BY random() LIMIT ${1 + randomInt(15)}),
         locked AS MATERIALIZED (SELECT id FROM executions WHERE id IN (SELECT id FROM picked) ORDER BY id FOR UPDATE),
         changed AS (UPDATE executions SET ${change} WHERE id IN (SELECT id FROM locked) RETURNING id)
         SELECT count(*) FROM changed`,
      );
    };
    const remove = async () => {
      await sqlRetryingDeadlocks(
        `WITH picked AS (SELECT id FROM executions WHERE current_node_id = 'random' ORDER BY random() LIMIT ${1 + randomInt(5)}),
         locked AS MATERIALIZED (SELECT id FROM executions WHERE id IN (SELECT id FROM picked) ORDER BY id FOR UPDATE),
         gone AS (DELETE FROM executions WHERE id IN (SELECT id FROM locked) RETURNING id)
         SELECT count(*) FROM gone`,
      );
    };
    for (let round = 0; round < 40; round += 1) {
      // Three statements at once, on the pool's connections: counter rows of several backends.
      await Promise.all([insert(), pick([insert, update, update, remove])(), update()]);
    }
    expect(await h.count('executions', `current_node_id = 'random'`)).toBeGreaterThan(50);
    await expectCountsEqualRecount();
  });

  it('answers the health strip from them, exactly, for periods that do not start or end on an hour', async () => {
    // The random runs left "running" would be picked up by the engine's sweeper while this test compares: park them as held.
    await sqlRetryingDeadlocks(`WITH locked AS MATERIALIZED (
                   SELECT id FROM executions WHERE current_node_id = 'random' AND status = 'running' ORDER BY id FOR UPDATE),
                 parked AS (UPDATE executions SET status = 'held' WHERE id IN (SELECT id FROM locked) AND status = 'running' RETURNING id)
                 SELECT count(*) FROM parked`);
    await h.settle();
    for (const { from, to } of [
      { from: '2026-03-01T10:17:23.456Z', to: '2026-03-02T10:17:23.456Z' },
      { from: '2026-03-01T22:00:00Z', to: '2026-03-02T05:00:00Z' },
      { from: '2026-03-02T03:05:00Z', to: '2026-03-02T03:50:00Z' },
      { from: '2026-03-01T23:59:59.999Z', to: '2026-03-02T00:00:00.001Z' },
    ]) {
      const previousFrom = new Date(2 * Date.parse(from) - Date.parse(to)).toISOString();
      const count = async (a: string, b: string) =>
        (
          await h.sql(
            `SELECT count(*)::int AS runs, count(*) FILTER (WHERE status = 'failed')::int AS failures
               FROM executions WHERE workspace_id = $1 AND NOT test_mode AND started_at >= $2 AND started_at < $3`,
            [s.workspace.id, a, b],
          )
        )[0];
      const response = await s.admin.get(`/api/executions/health?from=${from}&to=${to}`);
      expect(response.status).toBe(200);
      const body = obj(response.body);
      expect({ from, runs: body['runs'], failures: body['failures'] }).toEqual({ from, ...(await count(from, to)) });
      const previous = obj(body['previous']);
      expect({ from, runs: previous['runs'], failures: previous['failures'] }).toEqual({ from, ...(await count(previousFrom, from)) });
    }
    const active = await h.sql(`SELECT status, count(*)::int AS n FROM executions WHERE workspace_id = $1 GROUP BY 1`, [s.workspace.id]);
    const now = obj((await s.admin.get('/api/executions/health')).body);
    for (const status of ['running', 'waiting', 'held'])
      expect({ status, n: now[status] }).toEqual({ status, n: active.find((r) => r['status'] === status)?.['n'] ?? 0 });
  });
});
