import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';

/** Starting an engine with its own database takes longer than a test's 30 s on a loaded machine. */
const STARTUP_MS = 120_000;

/** The value of one series in a Prometheus text exposition (0 when absent). */
function series(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) total += Number(match[3]);
  }
  return total;
}

async function scrape(url: string, token?: string): Promise<{ status: number; text: string; contentType: string | null }> {
  const response = await fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') };
}

describe('GET /metrics after real traffic, and the Cloud API health watch', () => {
  let h: EngineHarness;
  let customer = 0;

  /** A new customer asks the price; the flow answers through the simulator's Graph API. */
  async function priceQuestion(): Promise<void> {
    customer += 1;
    await h.simulator.customerSends({
      phoneNumberId: h.workspace.phoneNumberId,
      from: `39333100${String(customer).padStart(4, '0')}`,
      text: 'price please',
    });
    await h.settle();
  }

  beforeAll(async () => {
    // A low threshold keeps the test quick; the default (1.5 s) is checked in the config's own spec.
    h = await startEngineHarness({ env: { CLOUD_API_SLOW_MS: '300', CLOUD_API_DEGRADED_AFTER: '3' } });
    const created = await h.workspace.admin.post('/api/flows', { name: 'Prices', definition: priceReplyFlow() });
    const flowId = str(obj(created.body)['id']);
    expect((await h.workspace.admin.post(`/api/flows/${flowId}/publish`)).status).toBe(201);
  }, STARTUP_MS);

  afterAll(async () => {
    await h.close();
  });

  it('serves every series the Grafana dashboard and the alert rules in docker/ use', async () => {
    const docker = join(__dirname, '..', '..', '..', '..', 'docker');
    const used = new Set(
      [
        readFileSync(join(docker, 'grafana', 'parley-dashboard.json'), 'utf8'),
        readFileSync(join(docker, 'prometheus', 'alerts.yml'), 'utf8'),
      ]
        .flatMap((text) => [...text.matchAll(/\b(parley_[a-z_]+|nodejs_[a-z0-9_]+)/g)].map((m) => m[1] ?? ''))
        .map((name) => name.replace(/_(bucket|count|sum)$/, '')),
    );
    const served = new Set([...(await scrape(h.url)).text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    // The BullMQ gauge exists where Redis is configured (the worker test below reads it).
    const missing = [...used].filter((name) => !served.has(name) && name !== 'parley_bullmq_jobs');
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
  });

  it('moves the webhook, event, execution, step, send and Cloud API series', async () => {
    const before = (await scrape(h.url)).text;
    await priceQuestion();
    await priceQuestion();
    const after = await scrape(h.url);
    expect(after.status).toBe(200);
    expect(after.contentType).toContain('text/plain');
    const moved = (name: string, labels: Record<string, string> = {}) => series(after.text, name, labels) - series(before, name, labels);

    expect(moved('parley_webhook_deliveries_total', { outcome: 'stored', role: 'all' })).toBeGreaterThanOrEqual(2);
    expect(moved('parley_webhook_request_duration_seconds_count', { outcome: 'stored' })).toBeGreaterThanOrEqual(2);
    expect(moved('parley_events_processed_total', { type: 'message.received' })).toBe(2);
    expect(moved('parley_executions_finished_total', { status: 'succeeded' })).toBe(2);
    expect(moved('parley_step_duration_seconds_count', { node_type: 'whatsapp.send_message', status: 'succeeded' })).toBe(2);
    expect(moved('parley_whatsapp_sends_total', { outcome: 'accepted' })).toBe(2);
    expect(moved('parley_cloud_api_request_duration_seconds_count', { operation: 'send_message', outcome: 'ok' })).toBe(2);
    // Scrape-time gauges: everything drained, the pool in use, process metrics from prom-client.
    expect(after.text).toMatch(/^parley_work_backlog\{queue="webhook_deliveries",role="all"\} 0$/m);
    expect(after.text).toMatch(/^parley_work_backlog_oldest_seconds\{queue="events",role="all"\} 0$/m);
    expect(series(after.text, 'parley_executions_active', { status: 'running' })).toBe(0);
    expect(series(after.text, 'parley_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(series(after.text, 'parley_db_pool_max')).toBe(20);
    expect(series(after.text, 'parley_cloud_api_degraded')).toBe(0);
    expect(after.text).toContain('process_cpu_user_seconds_total');
    expect(series(after.text, 'parley_metrics_collect_errors_total')).toBe(0);
  });

  it('marks the Cloud API degraded after three slow answers in a row, tells the admins, and clears it after three quick ones', async () => {
    h.simulator.state.faults.push({ kind: 'slow', delayMs: 450, remaining: 3 });
    await priceQuestion();
    await priceQuestion();
    let ready = await h.anonymous.get('/health/ready');
    expect(obj(obj(ready.body)['checks'])['whatsappCloudApi']).toEqual({ status: 'up' });
    await priceQuestion();

    ready = await h.anonymous.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(obj(ready.body)['status']).toBe('ok');
    const cloudApi = obj(obj(obj(ready.body)['checks'])['whatsappCloudApi']);
    expect(cloudApi['status']).toBe('degraded');
    expect(str(cloudApi['reason'])).toContain('3 calls in a row were slower than 300 ms or failed');
    expect(Number(cloudApi['lastLatencyMs'])).toBeGreaterThanOrEqual(450);
    expect(series((await scrape(h.url)).text, 'parley_cloud_api_degraded')).toBe(1);
    const notifications = arr(obj((await h.workspace.admin.get('/api/notifications')).body)['data']).map(obj);
    expect(notifications.filter((n) => n['kind'] === 'cloud_api_degraded')).toHaveLength(1);

    await priceQuestion();
    await priceQuestion();
    await priceQuestion();
    ready = await h.anonymous.get('/health/ready');
    expect(obj(obj(ready.body)['checks'])['whatsappCloudApi']).toEqual({ status: 'up' });
    expect(series((await scrape(h.url)).text, 'parley_cloud_api_degraded')).toBe(0);
    const after = arr(obj((await h.workspace.admin.get('/api/notifications')).body)['data']).map(obj);
    expect(after.filter((n) => n['kind'] === 'cloud_api_recovered')).toHaveLength(1);
  });

  it('counts policy blocks and failed sends by rule and error code', async () => {
    const before = (await scrape(h.url)).text;
    h.simulator.state.faults.push({ kind: 'graph_error', code: 131026, remaining: 1 });
    await priceQuestion();
    const after = (await scrape(h.url)).text;
    expect(
      series(after, 'parley_whatsapp_sends_total', { outcome: 'rejected', error_code: '131026' }) -
        series(before, 'parley_whatsapp_sends_total', { outcome: 'rejected', error_code: '131026' }),
    ).toBe(1);
    expect(
      series(after, 'parley_executions_finished_total', { status: 'failed' }) -
        series(before, 'parley_executions_finished_total', { status: 'failed' }),
    ).toBe(1);
    // The same customer asks again at once: the policy gate paces the second reply (recipient spacing).
    const waId = `39333100${String(customer).padStart(4, '0')}`;
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: waId, text: 'price please, again' });
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: waId, text: 'price please, and again' });
    await h.settle();
    const paced = (await scrape(h.url)).text;
    const verdicts = series(paced, 'parley_policy_blocks_total') - series(before, 'parley_policy_blocks_total');
    expect(verdicts).toBeGreaterThanOrEqual(1);
    expect(paced).toMatch(/^parley_policy_blocks_total\{rule="[a-z_]+",verdict="(block|defer)",role="all"\} \d+$/m);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let h: EngineHarness;
  const token = 'metrics-token-for-the-test-0123';

  beforeAll(async () => {
    h = await startEngineHarness({ env: { METRICS_TOKEN: token } });
  }, STARTUP_MS);

  afterAll(async () => {
    await h.close();
  });

  it('answers 401 without the bearer token or with a wrong one, and the metrics with it', async () => {
    expect((await scrape(h.url)).status).toBe(401);
    expect((await scrape(h.url, `${token}-wrong`)).status).toBe(401);
    const ok = await scrape(h.url, token);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('parley_webhook_deliveries_total');
  });
});

const redisUrl = process.env['REDIS_URL'];
(redisUrl ? describe : describe.skip)('GET /metrics on a BullMQ worker process (needs REDIS_URL)', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness({ env: { REDIS_URL: redisUrl ?? '', REDIS_PREFIX: `m${Math.random().toString(36).slice(2, 8)}` } });
  }, STARTUP_MS);

  afterAll(async () => {
    await h.close();
  });

  it('serves the worker’s own series, with its role and the BullMQ job counts', async () => {
    const worker = await h.startPeer({ ENGINE_ROLE: 'worker' });
    const url = (await worker.getUrl()).replace('[::1]', '127.0.0.1');
    const created = await h.workspace.admin.post('/api/flows', { name: 'Prices', definition: priceReplyFlow() });
    expect((await h.workspace.admin.post(`/api/flows/${str(obj(created.body)['id'])}/publish`)).status).toBe(201);
    await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393331999001', text: 'price please' });
    await h.settle();
    const text = (await scrape(url)).text;
    expect(text).toMatch(/^parley_bullmq_jobs\{state="wait",role="worker"\} \d+$/m);
    expect(text).toMatch(/^parley_work_backlog\{queue="events",role="worker"\} 0$/m);
    const api = (await scrape(h.url)).text;
    // Whichever process took the work counted it: the two together saw the one event.
    const received = { type: 'message.received' };
    expect(series(text, 'parley_events_processed_total', received) + series(api, 'parley_events_processed_total', received)).toBe(1);
  });
});
