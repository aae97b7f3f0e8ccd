import { randomBytes } from 'node:crypto';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { eventually } from '../test-support/eventually';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { arr, obj, str } from '../test-support/json';

const redisUrl = process.env['REDIS_URL'];
const describeWithRedis = redisUrl ? describe : describe.skip;

describeWithRedis('BullMQ dispatch (needs REDIS_URL)', () => {
  async function publishPriceFlow(h: EngineHarness, keyword: string): Promise<string> {
    const created = await h.workspace.admin.post('/api/flows', {
      name: 'Price',
      definition: priceReplyFlow(`Reply to ${keyword}`, keyword),
    });
    const id = str(obj(created.body)['id']);
    expect((await h.workspace.admin.post(`/api/flows/${id}/publish`, {})).status).toBe(201);
    return id;
  }

  async function executionsOf(h: EngineHarness, flowId: string): Promise<Record<string, unknown>[]> {
    return arr(obj((await h.workspace.admin.get(`/api/executions?flowId=${flowId}`)).body)['data']).map(obj);
  }

  describe('one process with Redis (role all)', () => {
    let h: EngineHarness;
    beforeAll(async () => {
      h = await startEngineHarness({ env: { REDIS_URL: redisUrl ?? '', REDIS_PREFIX: `t${randomBytes(4).toString('hex')}` } });
    });
    afterAll(async () => {
      await h.close();
    });

    it('runs the first flow through the BullMQ queue', async () => {
      const flowId = await publishPriceFlow(h, 'price');
      await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393332000001', text: 'price?' });
      const [execution] = await eventually(async () => {
        const list = await executionsOf(h, flowId);
        return list[0]?.['status'] === 'succeeded' ? list : undefined;
      }, 'the execution to finish');
      expect(execution).toMatchObject({ status: 'succeeded' });
      expect(h.simulator.state.sent.filter((m) => m.to === '393332000001')).toHaveLength(1);
    });

    it('reports Redis in the readiness check', async () => {
      const ready = await h.anonymous.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(obj(obj(ready.body)['checks'])).toEqual({
        postgres: { status: 'up' },
        redis: { status: 'up' },
        whatsappCloudApi: { status: 'up' },
      });
    });
  });

  describe('separate API and worker processes', () => {
    let h: EngineHarness;
    const prefix = `t${randomBytes(4).toString('hex')}`;
    beforeAll(async () => {
      h = await startEngineHarness({ env: { REDIS_URL: redisUrl ?? '', REDIS_PREFIX: prefix, ENGINE_ROLE: 'api' } });
    });
    afterAll(async () => {
      await h.close();
    });

    it('stores work on the API and leaves it to workers, which pick it up when they start', async () => {
      const flowId = await publishPriceFlow(h, 'sofa');
      await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393332000002', text: 'sofa price' });
      await h.simulator.customerSends({ phoneNumberId: h.workspace.phoneNumberId, from: '393332000003', text: 'sofa please' });
      // No worker yet: the deliveries are stored, nothing runs.
      const pending: unknown = await h.dataSource.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE processed_at IS NULL');
      expect(Number(obj(arr(pending)[0])['n'])).toBe(2);
      expect(await executionsOf(h, flowId)).toEqual([]);

      await h.startPeer({ REDIS_URL: redisUrl ?? '', REDIS_PREFIX: prefix, ENGINE_ROLE: 'worker' });
      await h.startPeer({ REDIS_URL: redisUrl ?? '', REDIS_PREFIX: prefix, ENGINE_ROLE: 'worker' });
      const executions = await eventually(async () => {
        const list = await executionsOf(h, flowId);
        return list.length === 2 && list.every((e) => e['status'] === 'succeeded') ? list : undefined;
      }, 'both executions to finish');
      expect(executions).toHaveLength(2);
      expect(h.simulator.state.sent.filter((m) => m.to === '393332000002' || m.to === '393332000003')).toHaveLength(2);
    });
  });
});
