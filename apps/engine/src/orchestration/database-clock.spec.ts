import { buildFlow } from '@parley/flow-templates';
import { SchedulerService } from './scheduler.service';
import { type EngineHarness, startEngineHarness } from '../test-support/engine-harness';
import { ManualClock } from '../test-support/manual-clock';
import { Scenario } from '../test-support/scenario';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const keyword = (word: string) => ({ match: 'keyword', keywords: [word], mode: 'contains', caseSensitive: false });
const text = (body: string) => ({ message: { type: 'text', text: body, previewUrl: false }, category: 'service', templateFallback: null });

/** "remind" -> wait 2 hours -> "Still interested?" */
function reminderFlow() {
  return buildFlow(
    [
      { id: 't', type: 'trigger.inbound_message', config: keyword('remind'), at: [0, 0] },
      { id: 'wait', type: 'timing.wait', config: { amount: 2, unit: 'hours' }, at: [0, 1] },
      { id: 'nudge', type: 'whatsapp.send_message', config: text('Still interested?'), at: [0, 2] },
    ],
    [
      ['t', 'next', 'wait'],
      ['wait', 'next', 'nudge'],
    ],
  );
}

async function waitOf(h: EngineHarness, flowId: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await h.sql(
    `SELECT w.status, w.due_at, extract(epoch FROM w.due_at - now()) * 1000 AS due_in_ms
       FROM waits w JOIN executions e ON e.id = w.execution_id WHERE e.flow_id = $1 AND w.kind = 'delay'`,
    [flowId],
  );
  return row;
}

/**
 * Waits and schedules keep time on PostgreSQL's clock, the one every engine
 * process shares: an engine host whose clock steps (NTP, a resumed VM) fires
 * nothing early or late by its own error.
 */
describe('one clock for due times: the database’s', () => {
  describe('on PostgreSQL’s own clock, as in production', () => {
    let h: EngineHarness;
    const host = new ManualClock(new Date());

    beforeAll(async () => {
      h = await startEngineHarness({ clock: host, databaseClock: 'postgres', autoPace: false });
    });
    afterAll(async () => {
      await h.close();
    });

    it('counts a 2 h wait from the database’s now, and a host clock stepping 3 h ahead does not fire it', async () => {
      host.set(new Date(Date.now() + HOUR));
      const s = await Scenario.create(h, 'host ahead');
      const flowId = await s.publish(reminderFlow());
      const c = s.customer('393330007001');
      await c.says('remind me');
      const created = await waitOf(h, flowId);
      // On the host's clock it would be due in 3 h of database time.
      expect(Number(created?.['due_in_ms'])).toBeGreaterThan(2 * HOUR - 5 * MINUTE);
      expect(Number(created?.['due_in_ms'])).toBeLessThanOrEqual(2 * HOUR);
      host.advance(2 * HOUR + MINUTE);
      await h.app.get(SchedulerService).runOnce();
      await h.settle();
      expect(await waitOf(h, flowId)).toMatchObject({ status: 'waiting' });
      expect(c.received()).toEqual([]);
    });
  });

  describe('on a database clock apart from the engine host’s', () => {
    let h: EngineHarness;
    const start = new Date();
    const host = new ManualClock(start);
    const database = new ManualClock(start);

    beforeAll(async () => {
      h = await startEngineHarness({ clock: host, databaseClock: database, autoPace: false });
    });
    afterAll(async () => {
      await h.close();
    });

    it('fires a 2 h wait 2 h after it was made on the database’s clock, whatever the host’s clock did', async () => {
      database.set(start);
      host.set(new Date(start.getTime() + HOUR));
      const s = await Scenario.create(h, 'step back');
      const flowId = await s.publish(reminderFlow());
      const c = s.customer('393330007002');
      await c.says('remind me');
      expect((await waitOf(h, flowId))?.['due_at']).toEqual(new Date(start.getTime() + 2 * HOUR));
      // The host steps back to the right time; the database moves on.
      host.set(start);
      database.set(new Date(start.getTime() + HOUR));
      host.set(new Date(start.getTime() + HOUR));
      await h.settle();
      expect(c.received()).toEqual([]);
      database.set(new Date(start.getTime() + 2 * HOUR));
      await h.settle();
      expect(c.texts()).toEqual(['Still interested?']);
      const [fired] = await h.sql(
        `SELECT w.status, w.late_by_ms FROM waits w JOIN executions e ON e.id = w.execution_id WHERE e.flow_id = $1 AND w.kind = 'delay'`,
        [flowId],
      );
      expect(fired).toEqual({ status: 'fired', late_by_ms: 0 });
    });

    it('does not start a scheduled flow before its time on the database’s clock when the host steps an hour ahead', async () => {
      database.set(start);
      host.set(start);
      const s = await Scenario.create(h, 'schedule');
      await s.customer('393330007003').says('hello');
      // Half an hour from now on the database's clock: past already on the host's.
      const at = new Date(Math.floor((start.getTime() + 30 * MINUTE) / MINUTE) * MINUTE);
      const flowId = await s.publish(
        buildFlow(
          [
            {
              id: 't',
              type: 'trigger.schedule',
              config: {
                cron: `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`,
                timeZone: 'UTC',
                audience: { tags: [], excludeTags: [], list: null, unansweredForHours: null },
              },
              at: [0, 0],
            },
            { id: 'promo', type: 'whatsapp.send_message', config: text('This week only'), at: [0, 1] },
          ],
          [['t', 'next', 'promo']],
        ),
      );
      const ticks = () => h.count('events', `workspace_id = $1 AND type = 'schedule.tick'`, [s.workspace.id]);
      host.set(new Date(start.getTime() + HOUR));
      database.set(new Date(at.getTime() - MINUTE));
      await h.app.get(SchedulerService).runOnce();
      expect(await ticks()).toBe(0);
      database.set(new Date(at.getTime() + MINUTE));
      await h.app.get(SchedulerService).runOnce();
      expect(await ticks()).toBe(1);
      expect(await h.count('schedule_runs', 'flow_id = $1 AND tick_at = $2', [flowId, at])).toBe(1);
    });
  });
});
