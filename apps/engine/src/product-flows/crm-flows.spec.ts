import { createServer, type Server } from 'node:http';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { arr, obj, str } from '../test-support/json';
import { ManualClock } from '../test-support/manual-clock';
import { Scenario } from '../test-support/scenario';
import { DISPATCH_MODES, reportSkippedModes } from '../test-support/dispatch-modes';

const MINUTE = 60_000;

describe.each(DISPATCH_MODES)('product flows on CRM events (%s)', (_mode, env) => {
  let h: EngineHarness;
  const clock = new ManualClock(new Date('2026-11-22T10:00:00Z'));

  beforeAll(async () => {
    // Sessions must outlive the months these tests move the clock through.
    h = await startEngineHarness({ clock, env: { ...env, SESSION_TTL_HOURS: String(24 * 90) } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('15. lead source: a first contact on WhatsApp records lead_source = WhatsApp and an opportunity, once', async () => {
    const s = await Scenario.create(h, 'flow 15');
    await s.publishTemplate('lead-source');
    const tom = s.customer('393330001501', 'Tom Berg');
    await tom.says('Hello!');
    await tom.says('Are you there?');
    expect((await tom.contact())['fields']).toEqual({ lead_source: 'WhatsApp' });
    const opportunities = await h.sql('SELECT title, stage, source FROM opportunities WHERE workspace_id = $1', [s.workspace.id]);
    expect(opportunities).toEqual([{ title: 'WhatsApp lead: Tom Berg', stage: 'new', source: 'WhatsApp' }]);
    // A contact created by the shop is not a WhatsApp lead.
    await s.crm({ type: 'order.created', id: 'S-1', contact: { phone: '+39 333 000 1599', firstName: 'Shop' }, order: { id: 'S-1' } });
    expect(await h.sql('SELECT title FROM opportunities WHERE workspace_id = $1', [s.workspace.id])).toHaveLength(1);
  });

  it('16. sends and CRM syncs: retries what may pass, logs codes, retries the sync 3 times 5 minutes apart, then alerts', async () => {
    let crmStatus = 503;
    const crmCalls: string[] = [];
    const crm: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        crmCalls.push(body);
        response.writeHead(crmStatus, { 'content-type': 'application/json' });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
    const address = crm.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const s = await Scenario.create(h, 'flow 16');
      await s.settings({ httpAllowList: ['127.0.0.1'] });
      await s.approveTemplates({
        name: 'order_confirmation',
        language: 'en',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Thanks {{1}}, order {{2}} is confirmed.' }],
      });
      const flowId = await s.publishTemplate('send-retries', (document) => {
        const node = document.nodes.find((n) => n.id === 'crm-sync');
        if (node) node.config = { ...node.config, url: `http://127.0.0.1:${port}/api/orders` };
      });
      const uma = s.customer('393330001601', 'Uma');
      await uma.says('hi');
      await s.crm({ type: 'order.paid', id: 'P-1:paid', contact: { waId: uma.waId }, order: { id: 'P-1', total: 59, currency: 'EUR' } });
      expect(uma.received()).toEqual([
        expect.objectContaining({ type: 'template', template: expect.objectContaining({ name: 'order_confirmation' }) }),
      ]);
      expect(crmCalls).toHaveLength(1);
      expect(JSON.parse(crmCalls[0] ?? '{}')).toEqual({ order: 'P-1', phone: '+393330001601', total: '59' });
      await h.advance(4 * MINUTE);
      expect(crmCalls).toHaveLength(1);
      await h.advance(MINUTE);
      expect(crmCalls).toHaveLength(2);
      await h.advance(5 * MINUTE);
      await h.advance(5 * MINUTE);
      expect(crmCalls).toHaveLength(4);
      const [run] = await s.executions(flowId);
      const detail = await s.execution(str(run?.['id']));
      const syncSteps = arr(detail['steps'])
        .map(obj)
        .filter((step) => step['nodeId'] === 'crm-sync');
      expect(syncSteps.map((step) => [step['attempt'], step['status'], step['errorCode']])).toEqual([
        [1, 'failed', 'http_503'],
        [2, 'failed', 'http_503'],
        [3, 'failed', 'http_503'],
        [4, 'failed', 'http_503'],
      ]);
      expect(detail).toMatchObject({ status: 'succeeded' });
      const notes = arr(obj((await s.admin.get('/api/notifications')).body)['data']).map(obj);
      expect(notes.map((n) => n['title'])).toContain('CRM sync failed for order P-1');

      // The next order syncs on the second try.
      crmStatus = 503;
      await s.crm({ type: 'order.paid', id: 'P-2:paid', contact: { waId: uma.waId }, order: { id: 'P-2', total: 10, currency: 'EUR' } });
      crmStatus = 200;
      await h.advance(5 * MINUTE);
      expect(crmCalls).toHaveLength(6);
    } finally {
      await new Promise<void>((resolve) => crm.close(() => resolve()));
    }
  });
});

reportSkippedModes('product flows on CRM events');
