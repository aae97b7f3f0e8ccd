import { startEngineHarness, type EngineHarness } from '../test-support/engine-harness';
import { arr, obj } from '../test-support/json';
import { REPORT_FIXTURE, insertReportFixture } from './report-fixture';
import { serviceEvents, type ServiceItem } from './metrics/service-events';
import { activityItem, ReportRollupService } from './report-rollup.service';
import { businessHoursOf, DEFAULT_REPORT_SETTINGS } from './report-settings';
import { ReportRollupWorker } from './report-rollup.worker';

const RANGE = `from=${REPORT_FIXTURE.from}&to=${REPORT_FIXTURE.to}`;

/**
 * The duration histograms as stored, for everyone (tag '') and per tag, and as an independent aggregation of the
 * service events (each counted for everyone and once per tag it stores) says they should be.
 */
const HIST_ORDER = 'tag, grain, start, kind, number_id, user_id, basis, bucket';
const HIST_STORED = `SELECT tag, grain, start, kind, number_id, user_id, basis, bucket::int AS bucket, count::int AS count,
         round(total::numeric, 3)::float8 AS total
  FROM report_service_hist WHERE workspace_id = $1 ORDER BY ${HIST_ORDER}`;
const HIST_FROM_EVENTS = `SELECT tag, grain, start, kind, number_id, user_id, basis, bucket, count::int AS count, round(sum::numeric, 3)::float8 AS total FROM (
    SELECT t.tag, g.grain, g.start, e.kind, e.number_id, e.user_id, v.basis, v.bucket::int AS bucket, count(*) AS count, sum(v.value) AS sum
      FROM report_service_events e
      CROSS JOIN LATERAL (SELECT '' UNION ALL SELECT unnest(e.tags)) t(tag)
      CROSS JOIN LATERAL (VALUES ('c', report_duration_bucket(e.seconds), e.seconds, true),
                                 ('b', report_duration_bucket(e.business_seconds),
                                  e.business_seconds, e.kind <> 'opened'),
                                 ('h', 0::smallint, 0::float8, e.first_reply)) v(basis, bucket, value, applies)
      CROSS JOIN LATERAL (VALUES ('h', date_trunc('hour', e.at, 'UTC')), ('d', date_trunc('day', e.at, 'UTC'))) g(grain, start)
     WHERE e.workspace_id = $1 AND v.applies
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) x
  ORDER BY ${HIST_ORDER}`;

const DAY_KEY = 'tag, day, metric, number_id, flow_id, flow_version_id, node_id, template, category, country, status, error_code';
/**
 * The daily counts the report_hours and report_tag_hours triggers kept (tag '' for everyone), and the traffic hours;
 * and the same aggregated independently from the hourly rows.
 */
const DAYS_STORED = `SELECT ${DAY_KEY}, count::int AS count, round(seconds::numeric, 3)::float8 AS seconds FROM report_days
  WHERE workspace_id = $1 ORDER BY ${DAY_KEY}`;
const DAYS_FROM_HOURS = `SELECT ${DAY_KEY}, count::int AS count, round(seconds::numeric, 3)::float8 AS seconds FROM (
    SELECT '' AS tag, date_trunc('day', hour, 'UTC') AS day, metric, number_id, flow_id, flow_version_id, node_id, template, category, country,
           status, error_code, sum(count) AS count, sum(seconds) AS seconds
      FROM report_hours WHERE workspace_id = $1 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
    UNION ALL
    SELECT tag, date_trunc('day', hour, 'UTC'), metric, number_id, flow_id, flow_version_id, node_id, '', '', '', status, '', sum(count),
           sum(seconds)
      FROM report_tag_hours WHERE workspace_id = $1 GROUP BY 1, 2, 3, 4, 5, 6, 7, 11) x
  WHERE count <> 0 ORDER BY ${DAY_KEY}`;
const TRAFFIC_STORED = `SELECT hour, number_id, flow_id, inbound::int AS inbound, outbound::int AS outbound, sent::int AS sent,
         delivered::int AS delivered, read::int AS read, converted::int AS converted
    FROM report_traffic_hours WHERE workspace_id = $1 ORDER BY hour, number_id, flow_id`;
const TRAFFIC_FROM_HOURS = `SELECT * FROM (
    SELECT hour, number_id, flow_id, coalesce(sum(count) FILTER (WHERE metric = 'in'), 0)::int AS inbound,
           coalesce(sum(count) FILTER (WHERE metric = 'out'), 0)::int AS outbound,
           coalesce(sum(count) FILTER (WHERE metric = 'out' AND status <> 'failed'), 0)::int AS sent,
           coalesce(sum(count) FILTER (WHERE metric = 'out' AND status IN ('delivered', 'read')), 0)::int AS delivered,
           coalesce(sum(count) FILTER (WHERE metric = 'out' AND status = 'read'), 0)::int AS read,
           coalesce(sum(count) FILTER (WHERE metric = 'conversion'), 0)::int AS converted
      FROM report_hours WHERE workspace_id = $1 AND metric IN ('in', 'out', 'conversion') GROUP BY 1, 2, 3) x
  WHERE inbound <> 0 OR outbound <> 0 OR sent <> 0 OR delivered <> 0 OR read <> 0 OR converted <> 0 ORDER BY hour, number_id, flow_id`;

/** The daily word counts as kept, and as the hourly ones add up per UTC day. */
const WORD_DAYS_STORED = `SELECT day, number_id, kind, term, count FROM report_word_days WHERE workspace_id = $1
  ORDER BY day, number_id, kind, term`;
const WORD_DAYS_FROM_HOURS = `SELECT date_trunc('day', hour, 'UTC') AS day, number_id, kind, term, sum(count)::int AS count
  FROM report_word_hours WHERE workspace_id = $1 GROUP BY 1, 2, 3, 4 HAVING sum(count) <> 0 ORDER BY day, number_id, kind, term`;

/**
 * The daily level of discount requests as kept, and as the requests' chains say it should be, aggregated independently:
 * per every number (NULL) and the request's own, everyone ('') and each tag, requests by the day of their previous request
 * and converted requests by the day of their previous converted one.
 */
const DISCOUNT_DAYS_KEY = 'number_id, tag, metric, day, prev_day';
const DISCOUNT_DAYS_STORED = `SELECT ${DISCOUNT_DAYS_KEY}, count::int AS count FROM report_discount_days WHERE workspace_id = $1
  ORDER BY ${DISCOUNT_DAYS_KEY}`;
const DISCOUNT_DAYS_FROM_FACTS = `SELECT ${DISCOUNT_DAYS_KEY}, count(*)::int AS count FROM (
    SELECT NULL::uuid AS number_id, '' AS tag, 'request' AS metric, date_trunc('day', at, 'UTC') AS day, date_trunc('day', prev_at, 'UTC') AS prev_day
      FROM report_discount_facts WHERE workspace_id = $1
    UNION ALL SELECT number_id, '', 'request', date_trunc('day', at, 'UTC'), date_trunc('day', prev_number_at, 'UTC')
      FROM report_discount_facts WHERE workspace_id = $1
    UNION ALL SELECT NULL::uuid, '', 'converted', date_trunc('day', at, 'UTC'), date_trunc('day', prev_converted_at, 'UTC')
      FROM report_discount_facts WHERE workspace_id = $1 AND converted_at IS NOT NULL
    UNION ALL SELECT number_id, '', 'converted', date_trunc('day', at, 'UTC'), date_trunc('day', prev_number_converted_at, 'UTC')
      FROM report_discount_facts WHERE workspace_id = $1 AND converted_at IS NOT NULL
    UNION ALL SELECT NULL::uuid, tag, 'request', date_trunc('day', at, 'UTC'), date_trunc('day', prev_at, 'UTC')
      FROM report_discount_facts, unnest(tags) tag WHERE workspace_id = $1
    UNION ALL SELECT number_id, tag, 'request', date_trunc('day', at, 'UTC'), date_trunc('day', prev_number_at, 'UTC')
      FROM report_discount_facts, unnest(tags) tag WHERE workspace_id = $1
    UNION ALL SELECT NULL::uuid, tag, 'converted', date_trunc('day', at, 'UTC'), date_trunc('day', prev_converted_at, 'UTC')
      FROM report_discount_facts, unnest(tags) tag WHERE workspace_id = $1 AND converted_at IS NOT NULL
    UNION ALL SELECT number_id, tag, 'converted', date_trunc('day', at, 'UTC'), date_trunc('day', prev_number_converted_at, 'UTC')
      FROM report_discount_facts, unnest(tags) tag WHERE workspace_id = $1 AND converted_at IS NOT NULL) x
  GROUP BY ${DISCOUNT_DAYS_KEY} ORDER BY ${DISCOUNT_DAYS_KEY}`;
/**
 * Discount requests → orders read from every request of the range (what the report computed before its daily level):
 * per customer, whether any of their requests in the range converted. $2 number (NULL: every one), $3 tag (NULL: everyone).
 */
const DISCOUNT_FROM_REQUESTS = `SELECT coalesce(sum(n), 0)::int AS requests, count(*)::int AS customers, (count(*) FILTER (WHERE converted))::int AS converted
  FROM (SELECT contact_id, count(*) AS n, bool_or(converted_at IS NOT NULL) AS converted FROM report_discount_facts
         WHERE workspace_id = $1 AND ($2::uuid IS NULL OR number_id = $2) AND ($3::text IS NULL OR $3 = ANY (tags)) AND at >= $4 AND at < $5
         GROUP BY contact_id) x`;

/**
 * The service events as serviceEvents makes them from every message and activity line of each conversation, read
 * here without the round's bounds or filters (a round reads from the last resolution and skips customer messages that
 * change nothing): conversation, cycle, kind, time, agent and seconds (business seconds depend on the settings, left
 * out), sorted, and the same columns as stored.
 */
async function serviceEventsFromEverything(h: EngineHarness, ws: string): Promise<{ stored: string[]; expected: string[] }> {
  const items = new Map<string, ServiceItem[]>();
  const add = (id: string, item: ServiceItem): void => {
    items.set(id, [...(items.get(id) ?? []), item]);
  };
  const messages = await h.sql(
    `SELECT conversation_id, direction, sent_by_user_id, occurred_at FROM messages
      WHERE workspace_id = $1 AND conversation_id IS NOT NULL ORDER BY occurred_at, id`,
    [ws],
  );
  for (const m of messages) {
    const at = new Date(String(m['occurred_at'] instanceof Date ? m['occurred_at'].toISOString() : m['occurred_at']));
    const id = String(m['conversation_id']);
    if (m['direction'] === 'inbound') add(id, { kind: 'customer', at });
    else if (m['sent_by_user_id']) add(id, { kind: 'agent', at, userId: String(m['sent_by_user_id']) });
    else add(id, { kind: 'bot', at });
  }
  const notes = await h.sql(
    `SELECT conversation_id, author_user_id, text, details, occurred_at FROM conversation_notes
      WHERE workspace_id = $1 AND kind = 'activity' ORDER BY occurred_at, id`,
    [ws],
  );
  for (const n of notes) {
    const at = new Date(String(n['occurred_at'] instanceof Date ? n['occurred_at'].toISOString() : n['occurred_at']));
    const author = n['author_user_id'] === null ? null : String(n['author_user_id']);
    const item = activityItem(n['details'], String(n['text']), at, author);
    if (item) add(String(n['conversation_id']), item);
  }
  const hours = businessHoursOf(DEFAULT_REPORT_SETTINGS);
  const expected: string[] = [];
  for (const [id, list] of items)
    for (const e of serviceEvents(list, hours, 'UTC'))
      expected.push(JSON.stringify([id, e.cycle, e.kind, e.at.toISOString(), e.userId, Math.round(e.seconds * 1000)]));
  const stored = (
    await h.sql('SELECT conversation_id, cycle, kind, at, user_id, seconds FROM report_service_events WHERE workspace_id = $1', [ws])
  ).map((e) =>
    JSON.stringify([
      String(e['conversation_id']),
      Number(e['cycle']),
      String(e['kind']),
      new Date(String(e['at'] instanceof Date ? e['at'].toISOString() : e['at'])).toISOString(),
      e['user_id'] === null ? null : String(e['user_id']),
      Math.round(Number(e['seconds']) * 1000),
    ]),
  );
  return { stored: stored.sort(), expected: expected.sort() };
}

type RollupTables = Record<
  'hours' | 'words' | 'wordDays' | 'service' | 'hist' | 'days' | 'traffic' | 'tags' | 'discount' | 'discountDays',
  Record<string, unknown>[]
>;

/** Every rollup table of a workspace, in a stable order: what an incremental run and a rebuild must agree on. */
async function rollupTables(h: EngineHarness, ws: string): Promise<RollupTables> {
  return {
    hours: await h.sql(
      `SELECT * FROM report_hours WHERE workspace_id = $1 ORDER BY ${'hour, metric, number_id, flow_id, node_id, template, category, country, status, error_code'}`,
      [ws],
    ),
    words: await h.sql('SELECT * FROM report_word_hours WHERE workspace_id = $1 ORDER BY hour, number_id, kind, term', [ws]),
    wordDays: await h.sql(WORD_DAYS_STORED, [ws]),
    service: await h.sql('SELECT * FROM report_service_events WHERE workspace_id = $1 ORDER BY conversation_id, cycle, kind, at', [ws]),
    hist: await h.sql(HIST_STORED, [ws]),
    days: await h.sql(DAYS_STORED, [ws]),
    traffic: await h.sql(TRAFFIC_STORED, [ws]),
    tags: await h.sql(
      'SELECT * FROM report_tag_hours WHERE workspace_id = $1 ORDER BY tag, hour, metric, number_id, flow_id, flow_version_id, node_id, status',
      [ws],
    ),
    discount: await h.sql('SELECT * FROM report_discount_facts WHERE workspace_id = $1 ORDER BY message_id', [ws]),
    discountDays: await h.sql(DISCOUNT_DAYS_STORED, [ws]),
  };
}

describe('reports on the hand-computed fixture', () => {
  let h: EngineHarness;
  let rollups: ReportRollupService;
  let flowId: string;

  beforeAll(async () => {
    h = await startEngineHarness();
    rollups = h.app.get(ReportRollupService);
    // The fixture is months old: history pruning (180 days at least, keeping each conversation's last 50 messages) and
    // the pruning of finished runs must not delete it mid-test, since rollups keep what was pruned and a rebuild would not.
    const patch = {
      timeZone: REPORT_FIXTURE.timeZone,
      inbox: { botAnswersFirst: true, historyRetentionDays: 3650 },
      executionRetentionDays: 3650,
    };
    expect((await h.workspace.admin.request('PATCH', '/api/workspace/settings', patch)).status).toBe(200);
    // The tests run the rounds themselves (a killed round needs changes to take); the background job would race them.
    h.app.get(ReportRollupWorker).onApplicationShutdown();
    ({ flowId } = await h.dataSource.transaction((manager) => insertReportFixture(manager, h.workspace.id)));
    await rollups.drain();
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  async function report(path: string): Promise<Record<string, unknown>> {
    const response = await h.workspace.admin.get(path);
    expect(response.status).toBe(200);
    return obj(obj(response.body)['current']);
  }

  it('service: medians and p90 (nearest rank) in calendar and business hours, agents over the threshold flagged', async () => {
    const current = await report(`/api/reports/service?${RANGE}`);
    expect(current['summary']).toEqual({
      opened: 5,
      firstResponse: { count: 5, median: 360, p90: 229500, businessMedian: 360, businessP90: 2700 },
      reply: { count: 6, median: 360, p90: 229500, businessMedian: 360, businessP90: 2700 },
      resolution: { count: 3, median: 900, p90: 2400, businessMedian: 900, businessP90: 2400 },
    });
    const agents = arr(current['agents']).map(obj);
    expect(
      agents.map((a) => [
        a['name'],
        a['conversations'],
        a['replies'],
        a['replyMedian'],
        a['businessReplyMedian'],
        a['resolutions'],
        a['flagged'],
      ]),
    ).toEqual([
      ['Anna', 4, 4, 240, 240, 2, false],
      ['Bruno', 2, 2, 540, 540, 1, true],
    ]);
  });

  it('traffic: the heatmap is in the workspace zone', async () => {
    const current = await report(`/api/reports/traffic?${RANGE}`);
    expect(current['totals']).toEqual({ inbound: 7, outbound: 9, opened: 5 });
    const cells = arr(current['cells']).map(obj);
    // Monday 10:00 and 11:00 in Rome (09:00 and 10:00 UTC) have two customer messages each.
    expect(cells.filter((c) => Number(c['inbound']) >= 2).map((c) => [c['weekday'], c['hour'], c['inbound']])).toEqual([
      [1, 10, 2],
      [1, 11, 2],
    ]);
  });

  it('messaging: per flow, sent/delivered/read/failed/replied, failures by code', async () => {
    const byFlow = await report(`/api/reports/messaging?${RANGE}&by=flow`);
    const flow = arr(byFlow['rows'])
      .map(obj)
      .find((r) => r['key'] === flowId);
    expect(flow).toMatchObject({
      label: REPORT_FIXTURE.flowName,
      sent: 2,
      delivered: 2,
      read: 1,
      failed: 1,
      replied: 2,
      converted: 1,
      readRate: 0.5,
      meanSecondsToRead: 300,
    });
    const byError = await report(`/api/reports/messaging?${RANGE}&by=error`);
    expect(
      arr(byError['rows'])
        .map(obj)
        .filter((r) => Number(r['failed']) > 0)
        .map((r) => [r['key'], r['failed']]),
    ).toEqual([['131049', 1]]);
  });

  it('funnel: entered, steps reached, sent, delivered, read, replied, converted', async () => {
    const current = await report(`/api/reports/funnel?${RANGE}&flowId=${flowId}`);
    expect(arr(current['stages']).map((s) => [obj(s)['stage'], obj(s)['count']])).toEqual([
      ['entered', 3],
      ['sent', 2],
      ['delivered', 2],
      ['read', 1],
      ['replied', 2],
      ['converted', 1],
    ]);
    expect(arr(current['steps']).map((s) => [obj(s)['label'], obj(s)['reached'], obj(s)['sent'], obj(s)['failed']])).toEqual([
      ['Send price offer', 3, 2, 1],
      ['Customer asks', 3, 0, 0],
    ]);
    // Revenue: the fixture's one converted order (499 EUR).
    expect(current['revenue']).toEqual([{ currency: 'EUR', amount: 499, orders: 1 }]);
    // Runs ended: E3 (whose send failed) failed, the two others succeeded; every trigger step left by "then" (its edge to the send), two send steps by "next".
    expect(obj(arr(current['flows']).find((f) => obj(f)['flowId'] === flowId))['ended']).toEqual({ succeeded: 2, failed: 1, cancelled: 0 });
    expect(arr(current['edges']).map((e) => [obj(e)['nodeId'], obj(e)['output'], obj(e)['taken']])).toEqual([
      ['send', 'next', 2],
      ['trigger', 'then', 3],
    ]);
    // One version (the flow editor's Performance tab): the fixture's only version has it all; another id has nothing.
    const [version] = await h.sql('SELECT id FROM flow_versions WHERE flow_id = $1', [flowId]);
    const one = await report(`/api/reports/funnel?${RANGE}&flowId=${flowId}&flowVersionId=${String(version?.['id'])}`);
    expect(arr(one['steps']).length).toBe(2);
    const none = await report(`/api/reports/funnel?${RANGE}&flowId=${flowId}&flowVersionId=${flowId}`);
    expect([arr(none['steps']).length, none['revenue']]).toEqual([0, []]);
    const bad = await h.workspace.admin.get(`/api/reports/funnel?${RANGE}&flowVersionId=nope`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('flowVersionId');
  });

  it('per day: sent, delivered, read and conversions per local day, with the read and conversion rates', async () => {
    const nonZero = (body: Record<string, unknown>) =>
      arr(body['days'])
        .map(obj)
        .filter((d) => Number(d['sent']) + Number(d['converted']) > 0)
        .map((d) => [d['day'], d['sent'], d['delivered'], d['read'], d['converted'], d['readRate'], d['conversionRate']]);
    // Monday 9 March (Rome): the flow's failed send, its delivered one and its read one; Piotr's order on Wednesday converts.
    const flow = await report(`/api/reports/daily?${RANGE}&flowId=${flowId}`);
    expect(flow['timeZone']).toBe(REPORT_FIXTURE.timeZone);
    expect(nonZero(flow)).toEqual([
      ['2026-03-09', 2, 2, 1, 0, 0.5, 0],
      ['2026-03-11', 0, 0, 0, 1, null, null],
    ]);
    // Every day of the range is listed (9 to 17 March in Rome), and every message: the agents' replies are sent, not delivered.
    const all = await report(`/api/reports/daily?${RANGE}`);
    expect(arr(all['days']).length).toBe(9);
    expect(nonZero(all)).toEqual([
      ['2026-03-09', 5, 2, 1, 0, 0.5, 0],
      ['2026-03-10', 1, 0, 0, 0, null, 0],
      ['2026-03-11', 1, 0, 0, 1, null, 1],
      ['2026-03-16', 1, 0, 0, 0, null, 0],
    ]);
    // With a tag nobody has: every day, all zero (read from the per-tag hours).
    const tagged = await report(`/api/reports/daily?${RANGE}&tag=nobody`);
    expect(nonZero(tagged)).toEqual([]);
  });

  it('cost: delivered messages priced by country and category', async () => {
    const current = await report(`/api/reports/cost?${RANGE}`);
    expect(current).toMatchObject({ total: 0.1191, currency: 'EUR', delivered: 2, converted: 1, costPerConversion: 0.1191 });
    expect(arr(current['lines']).map((l) => [obj(l)['country'], obj(l)['category'], obj(l)['cost']])).toEqual([
      ['IT', 'marketing', 0.0691],
      ['PL', 'marketing', 0.05],
    ]);
  });

  it('words: stop words removed, intents counted, a watched word alerts under its share', async () => {
    const current = await report(`/api/reports/words?${RANGE}&watch=discount&below=0.2`);
    expect(current['messages']).toBe(7);
    const words = arr(current['words']).map(obj);
    expect(words[0]).toMatchObject({ term: 'divano', count: 2 });
    expect(words.find((w) => w['term'] === 'sofa')).toMatchObject({ count: 2 });
    expect(words.some((w) => ['il', 'the', 'of', 'for', 'a'].includes(String(w['term'])))).toBe(false);
    expect(
      arr(current['intents'])
        .map(obj)
        .find((i) => i['term'] === 'price'),
    ).toMatchObject({ count: 2 });
    expect(current['watch']).toEqual({ term: 'discount', share: 1 / 7, below: 0.2, alert: true });
    // A range with ragged ends reads its whole days from the daily level and its ends hour by hour: from Monday 10:00 UTC,
    // Giulia's two messages (09:xx) are out, Piotr's (10:00, 10:03) in from the hours, Marco's (Tuesday, Wednesday) from the days.
    const ragged = await report('/api/reports/words?from=2026-03-09T10:00:00.000Z&to=2026-03-13T16:00:00.000Z');
    const term = (list: unknown, name: string) =>
      arr(list)
        .map(obj)
        .find((t) => t['term'] === name)?.['count'] ?? 0;
    expect([term(ragged['words'], 'divano'), term(ragged['words'], 'sofa'), term(ragged['words'], 'ordine')]).toEqual([0, 2, 2]);
    expect([term(ragged['intents'], 'price'), term(ragged['intents'], 'discount')]).toEqual([1, 1]);
    expect(await h.sql(WORD_DAYS_STORED, [h.workspace.id])).toEqual(await h.sql(WORD_DAYS_FROM_HOURS, [h.workspace.id]));
  });

  it('discount requests → orders: customers who asked, and who ordered within the window after; kept as messages and orders change', async () => {
    // April 2026, away from the fixture's week. Dora asks and orders 4 days later (converted); Ewa asks and orders 10 days
    // later (past the 7-day window); Fabio asks twice but ordered before; Gino writes no discount and orders.
    const ws = h.workspace.id;
    const [number] = await h.sql('SELECT id FROM whatsapp_numbers WHERE workspace_id = $1 ORDER BY created_at LIMIT 1', [ws]);
    const customer = async (wa: string, name: string): Promise<string> => {
      const [row] = await h.sql(
        `INSERT INTO contacts (workspace_id, wa_id, phone_e164, display_name, whatsapp_number_id) VALUES ($1, $2, '+' || $2, $3, $4) RETURNING id`,
        [ws, wa, name, number?.['id']],
      );
      return String(row?.['id']);
    };
    let n = 0;
    const write = async (contactId: string, at: string, text: string): Promise<string> => {
      n += 1;
      const [row] = await h.sql(
        `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at)
         VALUES ($1, $2, $3, 'inbound', $4, 'text', $5, '{}', $6) RETURNING id`,
        [ws, contactId, number?.['id'], `wamid.discount.${n}`, text, at],
      );
      return String(row?.['id']);
    };
    const order = async (contactId: string, at: string): Promise<void> => {
      n += 1;
      await h.dataSource.query(
        `INSERT INTO orders (workspace_id, contact_id, external_id, status, total, currency, placed_at) VALUES ($1, $2, $3, 'paid', 10, 'EUR', $4)`,
        [ws, contactId, `discount-${n}`, at],
      );
    };
    const discount = async (query: string) => report(`/api/reports/discount?${query}`);
    const dora = await customer('393330000101', 'Dora');
    const ewa = await customer('48500000102', 'Ewa');
    const fabio = await customer('393330000103', 'Fabio');
    const gino = await customer('393330000104', 'Gino');
    const doraAsks = await write(dora, '2026-04-01T10:00:00Z', "C'è uno sconto sul divano?");
    await order(dora, '2026-04-05T10:00:00Z');
    await write(ewa, '2026-04-02T10:00:00Z', 'Any discount today?');
    await order(ewa, '2026-04-12T10:00:00Z');
    await order(fabio, '2026-04-01T09:00:00Z');
    await write(fabio, '2026-04-03T10:00:00Z', 'Avete uno sconto?');
    await write(fabio, '2026-04-04T10:00:00Z', 'Ancora: uno sconto?');
    await write(gino, '2026-04-02T11:00:00Z', 'Grazie mille');
    await order(gino, '2026-04-03T11:00:00Z');
    await rollups.drain();
    // The fixture's week: Giulia asks for a "sconto" and never orders; Piotr asks for a "discount" and orders 2 days later.
    expect(await discount(RANGE)).toEqual({ requests: 2, customers: 2, converted: 1, rate: 1 / 2, windowDays: 7 });
    const april = 'from=2026-04-01T00:00:00.000Z&to=2026-04-15T00:00:00.000Z';
    expect(await discount(april)).toEqual({ requests: 4, customers: 3, converted: 1, rate: 1 / 3, windowDays: 7 });
    // Per flow there is no such figure (the requests are not a flow's): refused, naming the field.
    const perFlow = await h.workspace.admin.get(`/api/reports/discount?${april}&flowId=${flowId}`);
    expect(perFlow.status).toBe(400);
    expect(JSON.stringify(perFlow.body)).toContain('flowId');
    // The previous period comes along: the 8 days before 17 March are the fixture's week (Giulia and Piotr).
    const after = obj(
      (await h.workspace.admin.get('/api/reports/discount?from=2026-03-17T00:00:00.000Z&to=2026-03-25T00:00:00.000Z')).body,
    );
    expect([after['current'], after['previous']]).toEqual([
      { requests: 0, customers: 0, converted: 0, rate: null, windowDays: 7 },
      { requests: 2, customers: 2, converted: 1, rate: 1 / 2, windowDays: 7 },
    ]);
    // The range counts the requests in it: from 2 April, Dora's is out.
    expect(await discount('from=2026-04-02T00:00:00.000Z&to=2026-04-15T00:00:00.000Z')).toMatchObject({ customers: 2, converted: 0 });
    // Ewa orders again within the window; Dora's request is edited into something else.
    await order(ewa, '2026-04-08T10:00:00Z');
    await h.dataSource.query(`UPDATE messages SET text = 'Il divano è arrivato' WHERE id = $1`, [doraAsks]);
    await rollups.drain();
    expect(await discount(april)).toEqual({ requests: 3, customers: 2, converted: 1, rate: 1 / 2, windowDays: 7 });
    // The running rows are what a rebuild computes from the raw rows (the three above, and the fixture's Giulia and Piotr).
    const running = await h.sql('SELECT * FROM report_discount_facts WHERE workspace_id = $1 ORDER BY message_id', [ws]);
    expect(running.map((r) => r['converted_at'] !== null).sort()).toEqual([false, false, false, true, true]);
    await rollups.rebuild(ws);
    expect(await h.sql('SELECT * FROM report_discount_facts WHERE workspace_id = $1 ORDER BY message_id', [ws])).toEqual(running);
    // A tag keeps its customers only, by the tags they had when their requests were last counted (as the other per-tag
    // rollups): a later tag reaches them with their next request, or a rebuild. Taken away again, rebuilt as before.
    await h.dataSource.query(`INSERT INTO contact_tags (workspace_id, contact_id, tag) VALUES ($1, $2, 'sale')`, [ws, fabio]);
    expect(await discount(`${april}&tag=sale`)).toMatchObject({ requests: 0, customers: 0 });
    await rollups.rebuild(ws);
    expect(await discount(`${april}&tag=sale`)).toMatchObject({ requests: 2, customers: 1, converted: 0 });
    // By number: every request here is on the workspace's number; a range with ragged ends counts the same.
    expect(await discount(`${april}&numberId=${String(number?.['id'])}`)).toMatchObject({ requests: 3, customers: 2, converted: 1 });
    expect(await discount('from=2026-04-01T09:30:00.000Z&to=2026-04-04T10:30:00.000Z')).toMatchObject({
      requests: 3,
      customers: 2,
      converted: 1,
    });
    expect(await discount('from=2026-04-03T10:30:00.000Z&to=2026-04-15T00:00:00.000Z')).toMatchObject({ requests: 1, customers: 1 });
    await h.dataSource.query(`DELETE FROM contact_tags WHERE contact_id = $1`, [fabio]);
    await rollups.rebuild(ws);
  });

  it('a round recomputes a customer’s discount chain from their first changed request, per number, and whole when their tags changed', async () => {
    const ws = h.workspace.id;
    const [first] = await h.sql('SELECT id FROM whatsapp_numbers WHERE workspace_id = $1 ORDER BY created_at LIMIT 1', [ws]);
    const [second] = await h.sql(
      `INSERT INTO whatsapp_numbers (workspace_id, phone_number_id, access_token_enc) VALUES ($1, gen_random_uuid()::text, 'sealed') RETURNING id`,
      [ws],
    );
    const numbers = [String(first?.['id']), String(second?.['id'])];
    const [row] = await h.sql(
      `INSERT INTO contacts (workspace_id, wa_id, phone_e164, display_name, whatsapp_number_id) VALUES ($1, '393330000201', '+393330000201', 'Lia', $2) RETURNING id`,
      [ws, numbers[0]],
    );
    const lia = String(row?.['id']);
    let n = 0;
    const ask = async (at: string, number: string): Promise<void> => {
      n += 1;
      await h.dataSource.query(
        `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at)
         VALUES ($1, $2, $3, 'inbound', $4, 'text', 'uno sconto?', '{}', $5)`,
        [ws, lia, number, `wamid.chain.${n}`, at],
      );
    };
    const order = async (at: string): Promise<void> => {
      n += 1;
      await h.dataSource.query(
        `INSERT INTO orders (workspace_id, contact_id, external_id, status, total, currency, placed_at) VALUES ($1, $2, $3, 'paid', 10, 'EUR', $4)`,
        [ws, lia, `chain-${n}`, at],
      );
    };
    const facts = () =>
      h.sql(
        `SELECT message_id, at, number_id, converted_at, prev_at, prev_number_at, prev_converted_at, prev_number_converted_at, tags
           FROM report_discount_facts WHERE contact_id = $1 ORDER BY at, message_id`,
        [lia],
      );
    /** The facts as the rounds left them, and what the whole-chain recomputation (the rebuild's) makes of them: equal. */
    const expectWholeChain = async (requests: number): Promise<Record<string, unknown>[]> => {
      await rollups.drain();
      const kept = await facts();
      expect(kept).toHaveLength(requests);
      await h.dataSource.query('SELECT parley_report_discount_chains($1, $2::uuid[])', [ws, [lia]]);
      expect(await facts()).toEqual(kept);
      expect(await h.sql(DISCOUNT_DAYS_STORED, [ws])).toEqual(await h.sql(DISCOUNT_DAYS_FROM_FACTS, [ws]));
      return kept;
    };
    // Requests on two numbers, interleaved, one round at a time; then one before all of them, and one between.
    for (const [day, number] of [
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 1],
    ] as const) {
      await ask(`2026-05-0${day}T10:00:00Z`, numbers[number] ?? '');
      await expectWholeChain(day);
    }
    await ask('2026-04-30T10:00:00Z', numbers[1] ?? '');
    await expectWholeChain(5);
    await ask('2026-05-02T12:00:00Z', numbers[0] ?? '');
    let kept = await expectWholeChain(6);
    // The request of 05-03 (first number) came after the first number's of 05-02 at 12:00, not its 05-01.
    expect(kept.map((f) => [f['number_id'] === numbers[0], f['prev_number_at']])).toContainEqual([true, new Date('2026-05-02T12:00:00Z')]);
    // Orders convert requests of the week before: the chains of converted requests, per number too.
    await order('2026-05-03T15:00:00Z');
    kept = await expectWholeChain(6);
    expect(kept.filter((f) => f['converted_at'] !== null).length).toBeGreaterThan(1);
    expect(kept.filter((f) => f['prev_converted_at'] !== null).length).toBeGreaterThan(0);
    await ask('2026-05-06T10:00:00Z', numbers[1] ?? '');
    await order('2026-05-06T11:00:00Z');
    await expectWholeChain(7);
    // A tag given later reaches every request of hers with her next request, not only the new one.
    await h.dataSource.query(`INSERT INTO contact_tags (workspace_id, contact_id, tag) VALUES ($1, $2, 'chain')`, [ws, lia]);
    await ask('2026-05-07T10:00:00Z', numbers[0] ?? '');
    kept = await expectWholeChain(8);
    expect(kept.map((f) => f['tags'])).toEqual(Array.from({ length: 8 }, () => ['chain']));
    // And with an order that converts nothing new.
    await h.dataSource.query(`DELETE FROM contact_tags WHERE contact_id = $1`, [lia]);
    await order('2026-06-30T10:00:00Z');
    kept = await expectWholeChain(8);
    expect(kept.map((f) => f['tags'])).toEqual(Array.from({ length: 8 }, () => []));
    // A request taken away (revoked) and one moved before the others.
    await h.dataSource.query(`UPDATE messages SET revoked_at = occurred_at WHERE wamid = 'wamid.chain.3'`);
    await expectWholeChain(7);
    await h.dataSource.query(`UPDATE messages SET occurred_at = '2026-04-29T10:00:00Z' WHERE wamid = 'wamid.chain.8'`);
    await expectWholeChain(7);
    // The per-tag counts of her messages keep the tag she had then; the later tests compare rounds with a rebuild.
    await rollups.rebuild(ws);
  });

  it('refuses a range that ends before it starts, naming the field', async () => {
    const response = await h.workspace.admin.get(`/api/reports/service?from=${REPORT_FIXTURE.to}&to=${REPORT_FIXTURE.from}`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('from');
  });

  it('keeps the rollups equal to a full recomputation after random inserts and a killed round', async () => {
    // Deterministic pseudo-random data on top of the fixture.
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const [number] = await h.sql('SELECT id FROM whatsapp_numbers WHERE workspace_id = $1', [h.workspace.id]);
    const contacts = await h.sql(
      'SELECT c.id, k.id AS conversation_id FROM contacts c JOIN conversations k ON k.contact_id = c.id WHERE c.workspace_id = $1',
      [h.workspace.id],
    );
    const statuses = ['accepted', 'sent', 'delivered', 'read', 'failed'];
    const words = ['divano', 'sconto', 'price', 'sofa', 'consegna', 'ordine', 'grazie'];
    for (let i = 0; i < 300; i += 1) {
      const who = contacts[Math.floor(random() * contacts.length)];
      const inbound = random() < 0.5;
      const at = new Date(Date.parse(REPORT_FIXTURE.from) + Math.floor(random() * 8 * 86_400_000));
      await h.sql(
        `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at, status, status_at, conversation_id)
         VALUES ($1, $2, $3, $4, $5, 'text', $6, '{}', $7, $8, $7, $9)`,
        [
          h.workspace.id,
          who?.['id'],
          number?.['id'],
          inbound ? 'inbound' : 'outbound',
          `wamid.random.${i}`,
          `${words[Math.floor(random() * words.length)]} ${words[Math.floor(random() * words.length)]}`,
          at,
          inbound ? null : statuses[Math.floor(random() * statuses.length)],
          who?.['conversation_id'],
        ],
      );
      if (i % 50 === 25) {
        // A round that dies before it commits: the changes it took must stay for the next one.
        await expect(
          rollups.runOnce({
            batch: 40,
            wait: true,
            interrupt: async () => {
              throw new Error('killed');
            },
          }),
        ).rejects.toThrow('killed');
        await rollups.runOnce({ batch: 40, wait: true });
      }
      if (i % 30 === 0)
        await h.dataSource.query(`UPDATE messages SET status = 'read', status_at = occurred_at + interval '1 minute' WHERE wamid = $1`, [
          `wamid.random.${i - 1}`,
        ]);
    }
    await rollups.drain();
    const snapshot = async () => rollupTables(h, h.workspace.id);
    const incremental = await snapshot();
    expect(incremental.hours.length).toBeGreaterThan(10);
    expect(incremental.hist).toEqual(await h.sql(HIST_FROM_EVENTS, [h.workspace.id]));
    // The coarser levels the report_hours triggers kept through rounds and killed rounds are what the hours add up to.
    expect(incremental.days.length).toBeGreaterThan(5);
    expect(incremental.days).toEqual(await h.sql(DAYS_FROM_HOURS, [h.workspace.id]));
    expect(incremental.wordDays).toEqual(await h.sql(WORD_DAYS_FROM_HOURS, [h.workspace.id]));
    expect(incremental.traffic).toEqual(await h.sql(TRAFFIC_FROM_HOURS, [h.workspace.id]));
    await rollups.rebuild(h.workspace.id);
    const rebuilt = await snapshot();
    const lines = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r));
    for (const part of ['hours', 'words', 'service', 'hist', 'days', 'traffic'] as const) {
      const before = lines(incremental[part]);
      const after = lines(rebuilt[part]);
      expect({
        part,
        onlyIncremental: before.filter((l) => !after.includes(l)),
        onlyRebuilt: after.filter((l) => !before.includes(l)),
      }).toEqual({
        part,
        onlyIncremental: [],
        onlyRebuilt: [],
      });
    }
    expect(rebuilt).toEqual(incremental);
    expect(await h.count('report_changes')).toBe(0);
  }, 300_000);

  it('running counts equal a full recomputation on a random mix: runs, steps, flow sends, statuses, edits, revocations, late messages, orders, resolutions', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(list: readonly T[]): T => {
      const item = list[Math.floor(random() * list.length)];
      if (item === undefined) throw new Error('empty list');
      return item;
    };
    const ws = h.workspace.id;
    const [number] = await h.sql('SELECT id FROM whatsapp_numbers WHERE workspace_id = $1', [ws]);
    const [version] = await h.sql('SELECT id FROM flow_versions WHERE flow_id = $1', [flowId]);
    const contacts = await h.sql(
      'SELECT c.id, k.id AS conversation_id FROM contacts c JOIN conversations k ON k.contact_id = c.id WHERE c.workspace_id = $1',
      [ws],
    );
    // Tags are read as the rollup takes each change in: tag some contacts first (a rebuild folds the history in per tag).
    for (const c of contacts.slice(0, Math.ceil(contacts.length / 2))) {
      await h.dataSource.query(`INSERT INTO contact_tags (workspace_id, contact_id, tag) VALUES ($1, $2, 'mix') ON CONFLICT DO NOTHING`, [
        ws,
        c['id'],
      ]);
    }
    await rollups.rebuild(ws);
    const start = Date.parse(REPORT_FIXTURE.from);
    const when = () => new Date(start + Math.floor(random() * 6 * 86_400_000));
    const wamids: string[] = [];
    const executions: { id: string; contact: string }[] = [];
    const orders: string[] = [];
    const words = ['divano', 'sconto', 'price', 'sofa', 'consegna', 'ordine', 'grazie', 'discount'];
    for (let i = 0; i < 500; i += 1) {
      const who = pick(contacts);
      const roll = random();
      if (roll < 0.1) {
        const [run] = await h.sql(
          `INSERT INTO executions (workspace_id, flow_id, flow_version_id, contact_id, status, started_at) VALUES ($1, $2, $3, $4, 'succeeded', $5) RETURNING id`,
          [ws, flowId, version?.['id'], who['id'], when()],
        );
        const runId = String(run?.['id']);
        executions.push({ id: runId, contact: String(who['id']) });
        for (const [sequence, node] of ['send', 'ask', 'send'].entries()) {
          // Some steps are written finished (with the output they left by), others get it later (below).
          await h.dataSource.query(
            `INSERT INTO execution_steps (workspace_id, execution_id, sequence, node_id, node_type, node_type_version, status, started_at, visit, output_name)
             VALUES ($1, $2, $3, $4, 'whatsapp.send', 1, 'succeeded', $5, $6, $7)`,
            [ws, runId, sequence, node, when(), sequence === 2 ? 1 : 0, random() < 0.5 ? pick(['next', 'error']) : null],
          );
        }
      } else if (roll < 0.6) {
        const inbound = random() < 0.5;
        const run = !inbound && executions.length > 0 && random() < 0.6 ? pick(executions) : null;
        const wamid = `wamid.mix.${i}`;
        wamids.push(wamid);
        await h.dataSource.query(
          `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at, status, status_at,
                                 conversation_id, execution_id, node_id, category)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $11, $12, $13, $14)`,
          [
            ws,
            run ? run.contact : who['id'],
            number?.['id'],
            inbound ? 'inbound' : 'outbound',
            wamid,
            run ? 'template' : 'text',
            `${pick(words)} ${pick(words)}`,
            JSON.stringify(run ? { template: { name: pick(['offer', 'reminder']) } } : {}),
            when(),
            inbound ? null : pick(['accepted', 'sent', 'delivered', 'read', 'failed']),
            run ? null : who['conversation_id'],
            run?.id ?? null,
            run ? 'send' : null,
            run ? 'marketing' : null,
          ],
        );
      } else if (roll < 0.75 && wamids.length > 0) {
        // Status moves (including to failed, which changes whether the next customer message is a reply), one or several per
        // statement (the update trigger logs a statement's rows at once).
        await h.dataSource.query(
          `UPDATE messages SET status = $2, status_at = occurred_at + interval '90 seconds', error_code = $3
            WHERE wamid = ANY($1::text[]) AND direction = 'outbound'`,
          [[pick(wamids), ...(i % 2 === 0 ? wamids.slice(-2) : [])], pick(['delivered', 'read', 'failed']), pick([null, '131049'])],
        );
      } else if (roll < 0.78 && executions.length > 0) {
        // Runs end (or end differently), and steps finish by an output, or change it.
        const run = pick(executions).id;
        if (random() < 0.5) {
          await h.dataSource.query(`UPDATE executions SET status = $2, finished_at = $3 WHERE id = ANY($1::uuid[])`, [
            [run, ...(i % 2 === 0 ? executions.slice(-1).map((e) => e.id) : [])],
            // Ended statuses only: a run put back to running would be taken up by the engine's own sweepers.
            pick(['succeeded', 'failed', 'cancelled']),
            random() < 0.8 ? when() : null,
          ]);
        } else {
          await h.dataSource.query(
            `UPDATE execution_steps SET output_name = $2 WHERE id = (SELECT id FROM execution_steps WHERE execution_id = $1 ORDER BY random() LIMIT 1)`,
            [run, pick(['next', 'error', null])],
          );
        }
      } else if (roll < 0.82 && wamids.length > 0) {
        await h.dataSource.query(`UPDATE messages SET text = $2 WHERE wamid = $1`, [pick(wamids), `${pick(words)} edited`]);
      } else if (roll < 0.85 && wamids.length > 0) {
        await h.dataSource.query(`UPDATE messages SET revoked_at = occurred_at WHERE wamid = $1`, [pick(wamids)]);
      } else if (roll < 0.88 && wamids.length > 0) {
        // A message moved in time (re-ordered): its old and new neighbours change.
        await h.dataSource.query(`UPDATE messages SET occurred_at = $2 WHERE wamid = $1`, [pick(wamids), when()]);
      } else if (roll < 0.96) {
        const [order] = await h.sql(
          `INSERT INTO orders (workspace_id, contact_id, external_id, status, total, currency, placed_at) VALUES ($1, $2, $3, 'paid', 10, 'EUR', $4) RETURNING id`,
          [ws, executions.length > 0 && random() < 0.7 ? pick(executions).contact : who['id'], `mix-${i}`, when()],
        );
        orders.push(String(order?.['id']));
      } else if (roll < 0.98 && orders.length > 0) {
        await h.dataSource.query('UPDATE orders SET placed_at = $2 WHERE id = $1', [pick(orders), when()]);
      } else {
        // Resolutions, reopenings and hand-overs at any time: the service events resume after the last resolution before a change.
        const status = pick(['resolved', 'open', 'hand_over']);
        await h.dataSource.query(
          `INSERT INTO conversation_notes (workspace_id, conversation_id, kind, author_user_id, text, details, occurred_at) VALUES ($1, $2, 'activity', NULL, $3, $4, $5)`,
          [
            ws,
            who['conversation_id'],
            `Someone changed it to ${status}`,
            JSON.stringify(status === 'hand_over' ? { event: 'hand_over' } : { event: 'set_status', status }),
            when(),
          ],
        );
      }
      if (i % 40 === 20) {
        await expect(
          rollups.runOnce({
            batch: 25,
            wait: true,
            interrupt: async () => {
              throw new Error('killed');
            },
          }),
        ).rejects.toThrow('killed');
        await rollups.runOnce({ batch: 25, wait: true });
      }
    }
    await rollups.drain();
    const snapshot = async () => rollupTables(h, ws);
    const incremental = await snapshot();
    expect(new Set(incremental.tags.map((r) => r['metric'])).size).toBe(6);
    const metrics = new Set(incremental.hours.map((r) => r['metric']));
    // The mix must reach every kind of count, or the comparison proves little.
    expect([...metrics].sort()).toEqual(['conversion', 'ended', 'entered', 'in', 'out', 'reply', 'step', 'taken']);
    expect(incremental.service.filter((e) => e['kind'] === 'resolution').length).toBeGreaterThan(3);
    // The histograms the triggers kept through rounds and killed rounds are what the events add up to.
    expect(incremental.hist.length).toBeGreaterThan(20);
    // Per tag too: the contacts tagged "mix" before the mix have their own histograms.
    expect(incremental.hist.filter((r) => r['tag'] === 'mix').length).toBeGreaterThan(10);
    expect(incremental.hist).toEqual(await h.sql(HIST_FROM_EVENTS, [ws]));
    // The service events are what the whole history of each conversation gives, read without the rounds' shortcuts.
    const service = await serviceEventsFromEverything(h, ws);
    expect(service.expected.length).toBeGreaterThan(20);
    expect(service.stored).toEqual(service.expected);
    expect(new Set(incremental.days.map((r) => r['metric'])).size).toBe(8);
    // Per tag too: the "mix" contacts' daily rows, kept from report_tag_hours.
    expect(new Set(incremental.days.filter((r) => r['tag'] === 'mix').map((r) => r['metric'])).size).toBe(6);
    expect(incremental.days).toEqual(await h.sql(DAYS_FROM_HOURS, [ws]));
    expect(incremental.wordDays).toEqual(await h.sql(WORD_DAYS_FROM_HOURS, [ws]));
    expect(incremental.traffic).toEqual(await h.sql(TRAFFIC_FROM_HOURS, [ws]));
    // Discount requests: some converted, some of tagged customers; the daily level is what their chains add up to, and the
    // report read from it (whole days) and the requests (ragged ends) is what every request of the range says.
    expect(incremental.discount.filter((r) => r['converted_at'] !== null).length).toBeGreaterThan(2);
    expect(incremental.discount.filter((r) => arr(r['tags']).includes('mix')).length).toBeGreaterThan(2);
    expect(incremental.discountDays).toEqual(await h.sql(DISCOUNT_DAYS_FROM_FACTS, [ws]));
    for (let i = 0; i < 24; i += 1) {
      const from = new Date(start - 86_400_000 + Math.floor(random() * 7 * 86_400_000));
      const to = new Date(from.getTime() + 3_600_000 + Math.floor(random() * 5 * 86_400_000));
      const numberId = i % 3 === 1 ? String(number?.['id']) : null;
      const tag = i % 3 === 2 ? 'mix' : null;
      const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
      if (numberId) query.set('numberId', numberId);
      if (tag) query.set('tag', tag);
      const [expected] = await h.sql(DISCOUNT_FROM_REQUESTS, [ws, numberId, tag, from, to]);
      expect([query.toString(), await report(`/api/reports/discount?${query}`)]).toEqual([
        query.toString(),
        expect.objectContaining({ ...expected }),
      ]);
    }
    await rollups.rebuild(ws);
    expect(await snapshot()).toEqual(incremental);
    expect(await h.count('report_changes')).toBe(0);
    // The rebuild leaves the rollups analyzed: their planner row counts are their row counts (small tables are read whole).
    for (const table of ['report_hours', 'report_days', 'report_conversion_facts', 'report_service_hist']) {
      const [stats] = await h.sql(
        `SELECT c.reltuples::bigint AS planned, (SELECT count(*) FROM ${table})::bigint AS actual FROM pg_class c WHERE c.relname = $1`,
        [table],
      );
      expect([table, String(stats?.['planned'])]).toEqual([table, String(stats?.['actual'])]);
    }
  }, 300_000);

  it('a rebuild runs in slices on several connections, and one stopped midway continues from its last finished slice to what a clean rebuild gives', async () => {
    const ws = h.workspace.id;
    await rollups.drain();
    const snapshot = async () => ({
      ...(await rollupTables(h, ws)),
      replies: await h.sql('SELECT * FROM report_reply_facts WHERE workspace_id = $1 ORDER BY message_id', [ws]),
      conversions: await h.sql('SELECT * FROM report_conversion_facts WHERE workspace_id = $1 ORDER BY order_id', [ws]),
    });
    // Stopped after its third slice (each connection stops at its next slice's end).
    let slices = 0;
    const stopAt = 3;
    await expect(
      rollups.rebuild(ws, {
        concurrency: 2,
        afterSlice: async () => {
          slices += 1;
          if (slices >= stopAt) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const [midway] = await h.sql(
      'SELECT count(done_at)::int AS done, count(*)::int AS total FROM report_rebuild_slices WHERE workspace_id = $1',
      [ws],
    );
    const done = Number(midway?.['done']);
    const total = Number(midway?.['total']);
    expect(done).toBeGreaterThanOrEqual(stopAt);
    expect(total).toBeGreaterThan(done + 2);
    // Meanwhile customers write, in a window already rebuilt (the first day) and in one not yet (the last).
    const [first] = await h.sql(
      `SELECT from_at, to_at FROM report_rebuild_slices WHERE workspace_id = $1 AND kind = 'window' AND done_at IS NOT NULL ORDER BY slice LIMIT 1`,
      [ws],
    );
    const [last] = await h.sql(
      `SELECT from_at, to_at FROM report_rebuild_slices WHERE workspace_id = $1 AND kind = 'window' AND done_at IS NULL ORDER BY slice DESC LIMIT 1`,
      [ws],
    );
    const [who] = await h.sql(
      'SELECT c.id, k.id AS conversation_id, k.whatsapp_number_id FROM contacts c JOIN conversations k ON k.contact_id = c.id WHERE c.workspace_id = $1 LIMIT 1',
      [ws],
    );
    for (const [i, window] of [first, last].entries()) {
      await h.dataSource.query(
        `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at, conversation_id)
         VALUES ($1, $2, $3, 'inbound', $4, 'text', 'sconto divano', '{}', $5::timestamptz + interval '90 minutes', $6)`,
        [ws, who?.['id'], who?.['whatsapp_number_id'], `wamid.midway.${i}`, window?.['from_at'], who?.['conversation_id']],
      );
    }
    // Continued: only the slices left are done again.
    let resumed = 0;
    await rollups.rebuild(ws, {
      afterSlice: async () => {
        resumed += 1;
      },
    });
    expect(resumed).toBe(total - done);
    expect(await h.count('report_rebuilds')).toBe(0);
    await rollups.drain();
    const continued = await snapshot();
    await rollups.rebuild(ws, { concurrency: 1 });
    expect(continued).toEqual(await snapshot());
    expect(await h.count('report_changes')).toBe(0);
  }, 300_000);

  it('tag filter: only the tagged contacts’ messages, runs, conversions and conversations; refused where counts are not kept per tag', async () => {
    const ws = h.workspace.id;
    const range = `from=${REPORT_FIXTURE.from}&to=${REPORT_FIXTURE.to}`;
    const [piotr] = await h.sql(`SELECT id FROM contacts WHERE workspace_id = $1 AND wa_id = '48500000002'`, [ws]);
    await h.dataSource.query(`INSERT INTO contact_tags (workspace_id, contact_id, tag) VALUES ($1, $2, 'vip') ON CONFLICT DO NOTHING`, [
      ws,
      piotr?.['id'],
    ]);
    await rollups.rebuild(ws);
    const raw = async (direction: string) =>
      Number(
        (
          await h.sql(
            `SELECT count(*)::int AS n FROM messages WHERE contact_id = $1 AND direction = $2 AND occurred_at >= $3 AND occurred_at < $4`,
            [piotr?.['id'], direction, REPORT_FIXTURE.from, REPORT_FIXTURE.to],
          )
        )[0]?.['n'],
      );
    const traffic = await report(`/api/reports/traffic?${range}&tag=vip`);
    expect(traffic['totals']).toMatchObject({ inbound: await raw('inbound'), outbound: await raw('outbound') });
    expect(obj(traffic['totals'])['inbound']).toBeGreaterThan(0);
    // Piotr placed the fixture's order (499 EUR); the random mix above may have added some of his (10 EUR each).
    const [orders] = await h.sql(
      `SELECT count(*)::int AS n, sum(o.total)::float8 AS amount FROM report_conversion_facts f JOIN orders o ON o.id = f.order_id
        WHERE o.contact_id = $1 AND f.flow_id = $2 AND f.hour >= $3 AND f.hour < $4`,
      [piotr?.['id'], flowId, REPORT_FIXTURE.from, REPORT_FIXTURE.to],
    );
    const funnel = await report(`/api/reports/funnel?${range}&flowId=${flowId}&tag=vip`);
    expect(Number(orders?.['n'])).toBeGreaterThanOrEqual(1);
    expect(funnel['revenue']).toEqual([{ currency: 'EUR', amount: Number(orders?.['amount']), orders: Number(orders?.['n']) }]);
    expect(arr(funnel['stages']).map((st) => [obj(st)['stage'], obj(st)['count']])).toContainEqual(['converted', Number(orders?.['n'])]);
    const nobody = await report(`/api/reports/funnel?${range}&flowId=${flowId}&tag=nobody-has-it`);
    expect(arr(nobody['stages']).every((st) => obj(st)['count'] === 0)).toBe(true);
    const service = await report(`/api/reports/service?${range}&tag=vip`);
    const all = await report(`/api/reports/service?${range}`);
    expect(Number(obj(service['summary'])['opened'])).toBeGreaterThan(0);
    expect(Number(obj(service['summary'])['opened'])).toBeLessThan(Number(obj(all['summary'])['opened']));
    // The service figures per tag are the histograms of the events stored with the tag: Piotr's, as many as he has.
    const [piotrs] = await h.sql(
      `SELECT count(*) FILTER (WHERE e.kind = 'opened')::int AS opened, count(*) FILTER (WHERE e.kind = 'reply')::int AS replies
         FROM report_service_events e JOIN conversations k ON k.id = e.conversation_id
        WHERE k.contact_id = $1 AND e.at >= $2 AND e.at < $3 AND 'vip' = ANY (e.tags)`,
      [piotr?.['id'], REPORT_FIXTURE.from, REPORT_FIXTURE.to],
    );
    expect(Number(obj(service['summary'])['opened'])).toBe(Number(piotrs?.['opened']));
    expect(obj(obj(service['summary'])['reply'])['count']).toBe(Number(piotrs?.['replies']));
    const trafficOpened = Number(obj(traffic['totals'])['opened']);
    expect(trafficOpened).toBe(Number(piotrs?.['opened']));
    // New messages of a tagged contact reach the per-tag counts in the next round.
    const before = Number(obj(traffic['totals'])['inbound']);
    const [number] = await h.sql('SELECT id FROM whatsapp_numbers WHERE workspace_id = $1', [ws]);
    await h.dataSource.query(
      `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at)
       VALUES ($1, $2, $3, 'inbound', 'wamid.tagged.1', 'text', 'ciao', '{}', $4)`,
      [ws, piotr?.['id'], number?.['id'], '2026-03-12T10:00:00Z'],
    );
    await rollups.drain();
    expect(obj((await report(`/api/reports/traffic?${range}&tag=vip`))['totals'])['inbound']).toBe(before + 1);
    for (const path of [`cost?${range}&tag=vip`, `words?${range}&tag=vip`, `messaging?${range}&by=template&tag=vip`]) {
      const refused = await h.workspace.admin.get(`/api/reports/${path}`);
      expect([path, refused.status]).toEqual([path, 400]);
      expect(JSON.stringify(refused.body)).toContain('tag');
    }
    expect((await h.workspace.admin.get(`/api/reports/messaging?${range}&by=flow&tag=vip`)).status).toBe(200);
    // Tags that change after the events were counted: a recomputed event takes away what it added (the tags it stored) and
    // adds itself with the contact's tags of now; the histograms stay what the stored events add up to.
    const [conversation] = await h.sql('SELECT id, whatsapp_number_id FROM conversations WHERE contact_id = $1', [piotr?.['id']]);
    await h.dataSource.query(`DELETE FROM contact_tags WHERE contact_id = $1 AND tag = 'vip'`, [piotr?.['id']]);
    await h.dataSource.query(`INSERT INTO contact_tags (workspace_id, contact_id, tag) VALUES ($1, $2, 'gold')`, [ws, piotr?.['id']]);
    await h.dataSource.query(
      `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, conversation_id, direction, wamid, type, text, payload, occurred_at)
       VALUES ($1, $2, $3, $4, 'inbound', 'wamid.retagged.1', 'text', 'ancora io', '{}', $5)`,
      [ws, piotr?.['id'], conversation?.['whatsapp_number_id'], conversation?.['id'], '2026-03-09T08:00:00Z'],
    );
    await rollups.drain();
    expect(await h.sql(HIST_STORED, [ws])).toEqual(await h.sql(HIST_FROM_EVENTS, [ws]));
    expect(Number(obj((await report(`/api/reports/service?${range}&tag=gold`))['summary'])['opened'])).toBeGreaterThan(0);
    await h.dataSource.query(`DELETE FROM contact_tags WHERE contact_id = $1 AND tag = 'gold'`, [piotr?.['id']]);
    await h.dataSource.query(`INSERT INTO contact_tags (workspace_id, contact_id, tag) VALUES ($1, $2, 'vip')`, [ws, piotr?.['id']]);
    await rollups.rebuild(ws);
    expect(Number(obj((await report(`/api/reports/service?${range}&tag=gold`))['summary'])['opened'])).toBe(0);
  });

  it('business hours per weekday: a day’s own hours are saved and audited alone; a close before the open is a 400 naming it', async () => {
    const bad = await h.workspace.admin.request('PATCH', '/api/workspace/settings', {
      reports: { businessHours: { perDay: { '5': { open: '13:00', close: '09:00' } } } },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('reports.businessHours.perDay.5.close');
    const ok = await h.workspace.admin.request('PATCH', '/api/workspace/settings', {
      reports: { businessHours: { perDay: { '5': { open: '09:00', close: '13:00' } } } },
    });
    expect(ok.status).toBe(200);
    const reports = obj(obj(ok.body)['reports']);
    expect(obj(reports['businessHours'])).toEqual({
      days: [1, 2, 3, 4, 5],
      open: '09:00',
      close: '18:00',
      perDay: { '5': { open: '09:00', close: '13:00' } },
    });
    const [audit] = await h.sql(
      `SELECT details FROM audit_log WHERE workspace_id = $1 AND action = 'workspace.settings_updated' ORDER BY created_at DESC LIMIT 1`,
      [h.workspace.id],
    );
    // Only the day that changed is in the audit trail, with its value before (none) and after.
    expect(arr(obj(audit?.['details'])['changes'])).toEqual([
      { field: 'reports.businessHours.perDay.5', before: null, after: { open: '09:00', close: '13:00' } },
    ]);
  });
  it('recount after a business-hours change: queued once, audited, rebuilt by the job with its progress, past figures in the new hours', async () => {
    const ws = h.workspace.id;
    const hours = (days: number[], friday: string, saturday?: string) => ({
      reports: {
        businessHours: {
          days,
          open: '09:00',
          close: '18:00',
          perDay: { '5': { open: '09:00', close: friday }, ...(saturday ? { '6': { open: '10:00', close: saturday } } : {}) },
        },
      },
    });
    expect((await h.workspace.admin.request('PATCH', '/api/workspace/settings', hours([1, 2, 3, 4, 5], '18:00'))).status).toBe(200);
    // Its own conversation (the other tests add messages to the fixture's): Lea writes Friday 20 March 17:30 Rome (CET),
    // an admin answers Monday 09:15.
    const [number] = await h.sql('SELECT id FROM whatsapp_numbers WHERE workspace_id = $1', [ws]);
    const [agent] = await h.sql(`SELECT id FROM users WHERE workspace_id = $1 AND role = 'admin' LIMIT 1`, [ws]);
    const [contact] = await h.sql(
      `INSERT INTO contacts (workspace_id, wa_id, phone_e164, display_name, whatsapp_number_id) VALUES ($1, '393330000099', '+393330000099', 'Lea', $2) RETURNING id`,
      [ws, number?.['id']],
    );
    const [conversation] = await h.sql(
      `INSERT INTO conversations (workspace_id, contact_id, whatsapp_number_id, status, last_activity_at) VALUES ($1, $2, $3, 'open', now()) RETURNING id`,
      [ws, contact?.['id'], number?.['id']],
    );
    const message = (direction: string, wamid: string, at: string, by: unknown) =>
      h.sql(
        `INSERT INTO messages (workspace_id, contact_id, whatsapp_number_id, direction, wamid, type, text, payload, occurred_at, status, status_at, conversation_id, sent_by_user_id)
         VALUES ($1, $2, $3, $4, $5, 'text', 'ciao', '{}', $6, $7, $6, $8, $9)`,
        [ws, contact?.['id'], number?.['id'], direction, wamid, at, direction === 'inbound' ? null : 'read', conversation?.['id'], by],
      );
    await message('inbound', 'wamid.recount.1', '2026-03-20T16:30:00Z', null);
    await message('outbound', 'wamid.recount.2', '2026-03-23T08:15:00Z', agent?.['id']);
    await rollups.drain();
    const weekendReply = async () =>
      (
        await h.sql(`SELECT seconds, business_seconds FROM report_service_events WHERE conversation_id = $1 AND kind = 'reply'`, [
          conversation?.['id'],
        ])
      ).map((r) => [r['seconds'], r['business_seconds']]);
    // 30 min on Friday + 15 min on Monday.
    expect(await weekendReply()).toEqual([[229500, 2700]]);
    const changed = await h.workspace.admin.request('PATCH', '/api/workspace/settings', hours([1, 2, 3, 4, 5, 6], '13:00', '12:00'));
    expect(changed.status).toBe(200);
    // A change of the hours alone leaves the past as it was counted.
    await rollups.drain();
    expect(await weekendReply()).toEqual([[229500, 2700]]);

    const asked = await h.workspace.admin.request('POST', '/api/reports/recount', {});
    expect(asked.status).toBe(202);
    const recount = obj(obj(asked.body)['recount']);
    expect([obj(asked.body)['queued'], recount['state'], recount['finishedAt']]).toEqual([true, 'queued', null]);
    const again = await h.workspace.admin.request('POST', '/api/reports/recount', {});
    expect([again.status, obj(again.body)['queued'], obj(obj(again.body)['recount'])['id']]).toEqual([202, false, recount['id']]);
    const support = await h.workspace.user('support');
    expect((await support.request('POST', '/api/reports/recount', {})).status).toBe(403);

    // The rollup job takes the queued rebuild on its next round.
    expect(await rollups.runOnce({ wait: true })).toBe(1);
    const status = obj((await h.workspace.admin.get('/api/reports/recount')).body);
    const done = obj(status['recount']);
    expect(done['id']).toBe(recount['id']);
    expect(done['state']).toBe('finished');
    expect(typeof done['finishedAt']).toBe('string');
    expect(Number(done['totalSteps'])).toBeGreaterThan(1);
    expect(done['doneSteps']).toBe(done['totalSteps']);
    // Friday after 13:00 is closed now, Saturday 10:00-12:00 is open: 2 h + 15 min.
    expect(await weekendReply()).toEqual([[229500, 8100]]);
    const audit = await h.sql(
      `SELECT action, actor_user_id IS NOT NULL AS by_person FROM audit_log WHERE workspace_id = $1 AND action LIKE 'reports.recount%' ORDER BY created_at`,
      [ws],
    );
    expect(audit).toEqual([
      { action: 'reports.recount_requested', by_person: true },
      { action: 'reports.recounted', by_person: false },
    ]);
    // Finished: the next request queues a new recount.
    const next = await h.workspace.admin.request('POST', '/api/reports/recount', {});
    expect([obj(next.body)['queued'], obj(obj(next.body)['recount'])['id'] === recount['id']]).toEqual([true, false]);
    await rollups.drain();
  }, 120_000);
});
