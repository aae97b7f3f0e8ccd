import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { startEngineHarness, type EngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { ReportRollupWorker } from './report-rollup.worker';
import { ReportWeeklyDeliveryService } from './report-weekly-delivery.service';
import { ReportWeeklyService } from './report-weekly.service';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('weekly reports delivered to a webhook (a real local HTTP server)', () => {
  let h: EngineHarness;
  let server: Server;
  let url = '';
  const received: Received[] = [];
  // What the receiver answers next (a failing receiver first, to see the retry).
  const answers: number[] = [];

  beforeAll(async () => {
    h = await startEngineHarness();
    // The test drives the deliveries itself.
    h.app.get(ReportRollupWorker).onApplicationShutdown();
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = answers.shift() ?? 200;
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    url = `http://127.0.0.1:${address.port}/parley-weekly`;
  }, 180_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await h?.close();
  }, 60_000);

  const settings = (body: unknown) => h.workspace.admin.request('PATCH', '/api/workspace/settings', body);

  it('refuses a webhook URL that is not http(s), naming the field', async () => {
    const response = await settings({ reports: { weekly: { enabled: true, day: 1, hour: 8, webhookUrl: 'ftp://example.com/x' } } });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('webhookUrl');
  });

  it('POSTs the report signed with the workspace key, retries a failed attempt, records both', async () => {
    // Loopback is not public: the workspace allows it explicitly, as any outbound HTTP of the engine needs.
    expect(
      (await settings({ httpAllowList: ['127.0.0.1'], reports: { weekly: { enabled: true, day: 1, hour: 8, webhookUrl: url } } })).status,
    ).toBe(200);
    const weekly = h.app.get(ReportWeeklyService);
    const deliveries = h.app.get(ReportWeeklyDeliveryService);
    const id = await weekly.makeFor(h.workspace.id, {
      weekStart: '2026-11-23',
      from: new Date('2026-11-22T23:00:00Z'),
      to: new Date('2026-11-29T23:00:00Z'),
    });
    expect(id).not.toBeNull();

    answers.push(503);
    expect(await deliveries.deliverDue()).toBe(1);
    let listed = await h.workspace.admin.get('/api/reports/weekly/deliveries');
    expect(listed.status).toBe(200);
    let row = obj(arr(obj(listed.body)['data'])[0]);
    expect([row['status'], row['attempts'], row['lastStatus'], row['lastError']]).toEqual(['pending', 1, 503, 'answered 503']);
    // Not due again before its delay.
    expect(await deliveries.deliverDue()).toBe(0);
    await h.dataSource.query(`UPDATE report_weekly_deliveries SET next_attempt_at = now() - interval '1 second'`);
    expect(await deliveries.deliverDue()).toBe(1);

    listed = await h.workspace.admin.get('/api/reports/weekly/deliveries');
    row = obj(arr(obj(listed.body)['data'])[0]);
    expect([row['status'], row['attempts'], row['lastStatus'], row['weeklyId']]).toEqual(['delivered', 2, 200, id]);
    expect(received).toHaveLength(2);
    const last = received[1];
    if (!last) throw new Error('nothing received');
    const key = str(obj(listed.body)['signingKey']);
    expect(last.headers['x-parley-signature']).toBe(`sha256=${createHmac('sha256', key).update(last.body).digest('hex')}`);
    expect(last.headers['x-parley-delivery']).toBe(row['id']);
    const body = obj(JSON.parse(last.body));
    expect([body['event'], body['weeklyId'], body['weekStart']]).toEqual(['report.weekly', id, '2026-11-23']);
    expect(Object.keys(obj(body['content'])).sort()).toEqual(['cost', 'funnel', 'messaging', 'service', 'traffic']);
  });

  it('keeps to the allow-list: a private address not on it is refused and recorded, not called', async () => {
    const before = received.length;
    expect((await settings({ httpAllowList: [], reports: { weekly: { enabled: true, day: 1, hour: 8, webhookUrl: url } } })).status).toBe(
      200,
    );
    const id = await h.app.get(ReportWeeklyService).makeFor(h.workspace.id, {
      weekStart: '2026-11-16',
      from: new Date('2026-11-15T23:00:00Z'),
      to: new Date('2026-11-22T23:00:00Z'),
    });
    expect(id).not.toBeNull();
    expect(await h.app.get(ReportWeeklyDeliveryService).deliverDue()).toBe(1);
    const rows = arr(obj((await h.workspace.admin.get('/api/reports/weekly/deliveries')).body)['data']).map(obj);
    const blocked = rows.find((r) => r['weeklyId'] === id);
    expect([blocked?.['status'], blocked?.['attempts'], String(blocked?.['lastError']).startsWith('blocked_target')]).toEqual([
      'pending',
      1,
      true,
    ]);
    expect(received.length).toBe(before);
    // Only admins see the deliveries and the signing key.
    const marketer = await h.workspace.user('marketer');
    expect((await marketer.get('/api/reports/weekly/deliveries')).status).toBe(403);
  });
});
