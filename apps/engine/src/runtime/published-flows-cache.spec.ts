import { ExecutionStore } from '../executions/execution-store.service';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { eventually } from '../test-support/eventually';
import { priceReplyFlow } from '../test-support/flow-fixtures';
import { str } from '../test-support/json';
import { Scenario } from '../test-support/scenario';
import { PublishedFlowsCache } from './published-flows-cache.service';

/**
 * The published flows of a workspace are kept in memory per process and
 * dropped when a change to them commits, in every process: a message never
 * misses a flow published before it, nor starts one unpublished before it.
 */
describe('PublishedFlowsCache', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function kept(cache: PublishedFlowsCache, workspaceId: string): Promise<string[]> {
    return eventually(async () => {
      const flows = await cache.get(workspaceId);
      return cache.holds(workspaceId) ? flows.map((f) => f.flow_id) : undefined;
    }, 'the published flows to be kept');
  }

  it('sees a publish and an unpublish in this process and in another, and never enters a version no longer published', async () => {
    const s = await Scenario.create(h, 'published cache');
    const cache = h.app.get(PublishedFlowsCache);
    const peer = await h.startPeer({});
    const peerCache = peer.get(PublishedFlowsCache);
    const prices = await s.publish(priceReplyFlow('Prices from 10 EUR'), 'prices');
    expect(await kept(cache, s.workspace.id)).toEqual([prices]);
    expect(await kept(peerCache, s.workspace.id)).toEqual([prices]);

    const hours = await s.publish(priceReplyFlow('Open 9 to 18', 'hours'), 'hours');
    for (const each of [cache, peerCache]) {
      await eventually(async () => ((await kept(each, s.workspace.id)).includes(hours) ? true : undefined), 'the new flow');
    }
    const customer = s.customer('393330007101');
    await customer.says('opening hours?');
    expect(customer.texts()).toEqual(['Open 9 to 18']);

    const [version] = await h.sql('SELECT published_version_id FROM flows WHERE id = $1', [hours]);
    expect((await s.admin.post(`/api/flows/${hours}/unpublish`, {})).status).toBe(200);
    for (const each of [cache, peerCache]) {
      await eventually(async () => ((await kept(each, s.workspace.id)).includes(hours) ? undefined : true), 'the flow to go');
    }
    await customer.says('hours again?');
    expect(customer.texts()).toEqual(['Open 9 to 18']);

    // A list read just before the unpublish committed may still name the flow: the entry itself refuses it.
    const [event] = await h.sql(`SELECT id::text AS id, contact_id FROM events WHERE workspace_id = $1 ORDER BY id DESC LIMIT 1`, [
      s.workspace.id,
    ]);
    const entered = await h.app.get(ExecutionStore).enter(h.dataSource.manager, {
      workspaceId: s.workspace.id,
      flowId: hours,
      flowVersionId: str(version?.['published_version_id']),
      contactId: str(event?.['contact_id']),
      triggerEventId: str(event?.['id']),
      skipReason: null,
      triggerNodeId: 'trigger',
      now: new Date(),
    });
    expect(entered).toBeNull();
  });
});
