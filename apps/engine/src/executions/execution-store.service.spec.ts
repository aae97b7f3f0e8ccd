import { buildFlow } from '@parley/flow-templates';
import { DataSource } from 'typeorm';
import { ExecutionStep } from './execution-step.entity';
import { ExecutionStore } from './execution-store.service';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { str } from '../test-support/json';
import { ManualClock } from '../test-support/manual-clock';
import { Scenario } from '../test-support/scenario';

const keyword = (word: string) => ({ match: 'keyword', keywords: [word], mode: 'contains', caseSensitive: false });
const waitForOrder = { eventType: 'order.created', filter: {}, timeout: null };

/**
 * The store's answers and statements against the real schema: what it reports
 * decides whether an API call answers 200 or 409, so "nothing changed" must
 * be reported as such.
 */
describe('ExecutionStore', () => {
  let h: EngineHarness;
  let store: ExecutionStore;
  let db: DataSource;
  const clock = new ManualClock(new Date('2026-11-23T10:00:00Z'));

  beforeAll(async () => {
    h = await startEngineHarness({ clock });
    store = h.app.get(ExecutionStore);
    db = h.app.get(DataSource);
  });
  afterAll(async () => {
    await h.close();
  });

  /** A live execution waiting (for an order that never comes) at its second node. */
  async function waitingExecution(name: string, waId: string): Promise<{ s: Scenario; executionId: string }> {
    const s = await Scenario.create(h, name);
    const flowId = await s.publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: keyword('wait'), at: [0, 0] },
          { id: 'order', type: 'timing.wait_for_event', config: waitForOrder, at: [0, 1] },
        ],
        [['t', 'next', 'order']],
      ),
    );
    await s.customer(waId).says('wait');
    const [run] = await s.executions(flowId);
    expect(run).toMatchObject({ status: 'waiting' });
    return { s, executionId: str(run?.['id']) };
  }

  async function waitsOf(executionId: string): Promise<Record<string, unknown>[]> {
    return h.sql(`SELECT id, status, kind, outcome FROM waits WHERE execution_id = $1 ORDER BY created_at, status DESC`, [executionId]);
  }

  it('ends an active execution once: a second end reports that nothing was active', async () => {
    const { executionId } = await waitingExecution('store end', '393330009101');
    expect(await store.end(db.manager, executionId, 'cancelled', 'cancelled_by_user', clock.now())).toBe(true);
    expect(await store.end(db.manager, executionId, 'cancelled', 'cancelled_by_user', clock.now())).toBe(false);
    expect(await waitsOf(executionId)).toEqual([expect.objectContaining({ status: 'cancelled', outcome: 'cancelled_by_user' })]);
  });

  it('cancels many active executions in one statement, only those asked for, and none twice', async () => {
    const a = await waitingExecution('store cancel many a', '393330009111');
    const b = await waitingExecution('store cancel many b', '393330009112');
    const untouched = await waitingExecution('store cancel many c', '393330009113');
    const ids = [a.executionId, b.executionId];
    expect((await store.cancelMany(db.manager, ids, 'cancelled_by_user', clock.now())).sort()).toEqual([...ids].sort());
    // Asked again (a batch acted on twice): nothing is active any more, nothing is cancelled again.
    expect(await store.cancelMany(db.manager, ids, 'cancelled_by_user', clock.now())).toEqual([]);
    for (const id of ids) {
      expect(await waitsOf(id)).toEqual([expect.objectContaining({ status: 'cancelled', outcome: 'cancelled_by_user' })]);
      const [row] = await h.sql(`SELECT status, ended_reason, current_node_id FROM executions WHERE id = $1`, [id]);
      expect(row).toEqual({ status: 'cancelled', ended_reason: 'cancelled_by_user', current_node_id: null });
    }
    const [other] = await h.sql(`SELECT status FROM executions WHERE id = $1`, [untouched.executionId]);
    expect(other).toEqual({ status: 'waiting' });
    expect(await waitsOf(untouched.executionId)).toEqual([expect.objectContaining({ status: 'waiting' })]);
    expect(await store.cancelMany(db.manager, [], 'cancelled_by_user', clock.now())).toEqual([]);
  });

  it('skips a waiting wait, and reports false when the execution has none', async () => {
    const { executionId } = await waitingExecution('store skip', '393330009102');
    expect(await store.skipTestWait(db.manager, executionId)).toBe(true);
    await store.end(db.manager, executionId, 'cancelled', 'cancelled_by_user', clock.now());
    expect(await store.skipTestWait(db.manager, executionId)).toBe(false);
  });

  it('claims a debounce wait once', async () => {
    const s = await Scenario.create(h, 'store debounce');
    await s.publish(
      buildFlow(
        [
          { id: 't', type: 'trigger.inbound_message', config: { match: 'any' }, at: [0, 0] },
          { id: 'order', type: 'timing.wait_for_event', config: waitForOrder, at: [0, 1] },
        ],
        [['t', 'next', 'order']],
        { debounceSeconds: 60 },
      ),
    );
    await s.customer('393330009103').says('hello');
    const [debounce] = await h.sql(`SELECT id FROM waits WHERE workspace_id = $1 AND kind = 'debounce' AND status = 'waiting'`, [
      s.workspace.id,
    ]);
    const waitId = str(debounce?.['id']);
    expect(await store.fireDebounce(db.manager, waitId, clock.now())).toBe(true);
    expect(await store.fireDebounce(db.manager, waitId, clock.now())).toBe(false);
  });

  it('lets a woken step wait again: the woken wait fires and the new one waits, in one statement', async () => {
    const { s, executionId } = await waitingExecution('store rewait', '393330009104');
    const [before] = await waitsOf(executionId);
    const step = await db.getRepository(ExecutionStep).findOneByOrFail({ executionId, nodeId: 'order', status: 'waiting' });
    const contactId = str((await s.contact('393330009104'))['id']);
    await store.waitStep(
      db.manager,
      step,
      { waitId: str(before?.['id']), outcome: 'elapsed', lateByMs: 0 },
      {
        executionId,
        workspaceId: s.workspace.id,
        contactId,
        nodeId: 'order',
        wait: { kind: 'until', dueAt: new Date(clock.now().getTime() + 500), relative: false, eventType: null, filter: null },
        vars: null,
      },
      clock.now(),
    );
    expect(await waitsOf(executionId)).toEqual([
      expect.objectContaining({ id: before?.['id'], status: 'fired', outcome: 'elapsed' }),
      expect.objectContaining({ status: 'waiting', kind: 'until' }),
    ]);
  });
});
