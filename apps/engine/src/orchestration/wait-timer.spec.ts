import { DataSource } from 'typeorm';
import { z } from 'zod';
import { PostgresClock } from '../common/database-clock';
import { loadEngineConfig } from '../config/engine-config';
import { sqlRow } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import type { WorkItem } from '../dispatch/work-item';
import { WaitAlarm } from '../executions/wait-alarm';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database';
import { WaitTimerService } from './wait-timer.service';

/** Keeps what the timer hands out, with when: the timer's only output. */
class RecordingDispatcher extends Dispatcher {
  readonly looks: { at: number; items: readonly WorkItem[] }[] = [];
  dispatch(items: readonly WorkItem[]): Promise<void> {
    this.looks.push({ at: Date.now(), items });
    return Promise.resolve();
  }
}

const idRow = z.object({ id: z.string() });

describe('WaitTimerService (sleeps while nothing is due, wakes for what comes due)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let workspaceId: string;
  let contactId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: database.url, extra: { max: 2 } }).initialize();
    workspaceId =
      (await sqlRow(dataSource, idRow, `INSERT INTO workspaces (name) VALUES ('timer') RETURNING id::text AS id`, []))?.id ?? '';
    contactId =
      (
        await sqlRow(dataSource, idRow, `INSERT INTO contacts (workspace_id, wa_id) VALUES ($1, '393330008001') RETURNING id::text AS id`, [
          workspaceId,
        ])
      )?.id ?? '';
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  function startTimer(): { timer: WaitTimerService; dispatcher: RecordingDispatcher; alarm: WaitAlarm } {
    const dispatcher = new RecordingDispatcher();
    const alarm = new WaitAlarm();
    const config = loadEngineConfig({ DATABASE_URL: database.url, SECRETS_KEY: 'a'.repeat(64), WAIT_POLL_INTERVAL_MS: '100' });
    const timer = new WaitTimerService(dataSource, dispatcher, new PostgresClock(), alarm, config);
    timer.onApplicationBootstrap();
    return { timer, dispatcher, alarm };
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('looks about once a second while no wait is due soon, not once per poll interval', async () => {
    // A wait far ahead: something to find the next due time of, nothing to fire.
    await dataSource.query(
      `INSERT INTO waits (workspace_id, contact_id, kind, due_at) VALUES ($1, $2, 'delay', now() + interval '2 days')`,
      [workspaceId, contactId],
    );
    const { timer, dispatcher } = startTimer();
    try {
      await sleep(3500);
      // At the 100 ms poll interval that would be 35 looks; sleeping up to a second between them, 4 or 5.
      expect(dispatcher.looks.length).toBeGreaterThanOrEqual(3);
      expect(dispatcher.looks.length).toBeLessThanOrEqual(6);
      expect(dispatcher.looks.every((look) => look.items.length === 0)).toBe(true);
    } finally {
      timer.onApplicationShutdown();
    }
  });

  it('wakes for a wait coming due before its next look, and for one the store says it wrote', async () => {
    const { timer, dispatcher, alarm } = startTimer();
    try {
      await sleep(300);
      // Due in 1.6 s: found by an idle look, which then sleeps only until it is due.
      const due = await sqlRow(
        dataSource,
        z.object({ id: z.string(), due_ms: z.number() }),
        `INSERT INTO waits (workspace_id, contact_id, kind, due_at) VALUES ($1, $2, 'delay', now() + interval '1600 milliseconds')
         RETURNING id::text AS id, extract(epoch FROM due_at)::double precision * 1000 AS due_ms`,
        [workspaceId, contactId],
      );
      const firstContactLook = async (): Promise<number | undefined> => {
        for (let i = 0; i < 60; i++) {
          const found = dispatcher.looks.find((look) => look.items.length > 0);
          if (found) return found.at;
          await sleep(50);
        }
        return undefined;
      };
      const handedAt = await firstContactLook();
      expect(handedAt).toBeDefined();
      expect(dispatcher.looks.find((look) => look.items.length > 0)?.items).toEqual([{ kind: 'contact', id: contactId }]);
      // Handed out within 400 ms of its due time (the database's clock and this host's are the same machine's here).
      expect(Math.abs((handedAt ?? 0) - (due?.due_ms ?? 0))).toBeLessThan(400);
      await dataSource.query(`UPDATE waits SET status = 'fired' WHERE id = $1`, [due?.id]);

      // The timer now sleeps (nothing due within a second); a wait written due at once, with the alarm, is found sooner.
      await sleep(200);
      const before = dispatcher.looks.length;
      await dataSource.query(`INSERT INTO waits (workspace_id, contact_id, kind, due_at) VALUES ($1, $2, 'retry', now())`, [
        workspaceId,
        contactId,
      ]);
      const written = Date.now();
      alarm.written(0);
      for (let i = 0; i < 40 && !dispatcher.looks.slice(before).some((look) => look.items.length > 0); i++) await sleep(25);
      const woken = dispatcher.looks.slice(before).find((look) => look.items.length > 0);
      expect(woken?.items).toEqual([{ kind: 'contact', id: contactId }]);
      // The poll interval (100 ms) after the alarm, not the idle second.
      expect((woken?.at ?? Infinity) - written).toBeLessThan(600);
    } finally {
      timer.onApplicationShutdown();
      await dataSource.query(`UPDATE waits SET status = 'cancelled' WHERE status = 'waiting'`);
    }
  });

  it('takes over the claims of a process that died when it starts, and claims a wait again only after 30 s, not every poll', async () => {
    // Due, and claimed a moment ago by a process that then died (its in-memory queue went with it).
    await dataSource.query(
      `INSERT INTO waits (workspace_id, contact_id, kind, due_at, dispatched_at) VALUES ($1, $2, 'delay', now() - interval '1 second', now())`,
      [workspaceId, contactId],
    );
    const { timer, dispatcher } = startTimer();
    try {
      await sleep(400);
      const handed = dispatcher.looks.filter((look) => look.items.length > 0);
      expect(handed.map((look) => look.items)).toEqual([[{ kind: 'contact', id: contactId }]]);
      // Still due (its contact's processor has not come to it): looked at again for 2.5 s (about once a second), not handed out again.
      await sleep(2500);
      expect(dispatcher.looks.filter((look) => look.items.length > 0)).toHaveLength(1);
      expect(dispatcher.looks.length).toBeGreaterThanOrEqual(3);
    } finally {
      timer.onApplicationShutdown();
      await dataSource.query(`UPDATE waits SET status = 'cancelled' WHERE status = 'waiting'`);
    }
  });
});
