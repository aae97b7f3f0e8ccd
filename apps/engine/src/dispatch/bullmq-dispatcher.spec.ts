import { type Job, Queue, Worker } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { loadEngineConfig } from '../config/engine-config';
import { eventually } from '../test-support/eventually';
import { BullmqDispatcher } from './bullmq-dispatcher';
import { redisConnection } from './redis-connection';
import type { WorkItem } from './work-item';
import { WORK_QUEUE, workItemSchema } from './work-queue';

const redisUrl = process.env['REDIS_URL'];
const describeWithRedis = redisUrl ? describe : describe.skip;

/** Resolves from outside: lets a test hold a job in the worker until it has looked at the queue. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describeWithRedis('BullMQ dispatcher: a work item is queued once (needs REDIS_URL)', () => {
  const prefix = `tdd${randomBytes(4).toString('hex')}`;
  const config = loadEngineConfig({
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
    SECRETS_KEY: 'a'.repeat(64),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
  });
  let dispatcher: BullmqDispatcher;
  let queue: Queue;
  const queueConnection = redisConnection(redisUrl ?? '', 'spec');
  const workerConnection = redisConnection(redisUrl ?? '', 'spec-worker');

  beforeAll(() => {
    dispatcher = new BullmqDispatcher(config);
    queue = new Queue(WORK_QUEUE, { connection: queueConnection, prefix });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await dispatcher.onApplicationShutdown();
    queueConnection.disconnect();
    workerConnection.disconnect();
  });

  async function queued(): Promise<number> {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  it('keeps one job per item however often it is dispatched while it waits (sweeps over a backlog)', async () => {
    const contact: WorkItem = { kind: 'contact', id: 'c-1' };
    const webhook: WorkItem = { kind: 'webhook', id: '42' };
    await dispatcher.dispatch([contact, contact, webhook]);
    for (let sweep = 0; sweep < 10; sweep += 1) await dispatcher.dispatch([contact, webhook, { kind: 'contact', id: 'c-2' }]);
    expect(await queued()).toBe(3);
    const waiting = await queue.getJobs(['wait']);
    expect(waiting.map((job) => `${String(job.data.kind)}:${String(job.data.id)}`).sort()).toEqual([
      'contact:c-1',
      'contact:c-2',
      'webhook:42',
    ]);
    await queue.obliterate({ force: true });
  });

  it('queues a sweep (recovery) apart from the normal job, once however often it sweeps', async () => {
    const contact: WorkItem = { kind: 'contact', id: 'c-swept' };
    await dispatcher.dispatch([contact]);
    for (let sweep = 0; sweep < 10; sweep += 1) await dispatcher.dispatch([{ ...contact, recovery: true }]);
    expect(await queued()).toBe(2);
    await queue.obliterate({ force: true });
  });

  it('keeps one follow-up for an item dispatched while a worker runs it, and runs it after', async () => {
    const item: WorkItem = { kind: 'contact', id: 'c-busy' };
    const runs: string[] = [];
    const started = gate();
    const release = gate();
    const worker = new Worker(
      WORK_QUEUE,
      async (job: Job) => {
        const parsed = workItemSchema.parse(job.data);
        runs.push(parsed.id);
        if (runs.length === 1) {
          started.open();
          await release.promise;
        }
      },
      { connection: workerConnection, prefix, concurrency: 4 },
    );
    try {
      await dispatcher.dispatch([item]);
      await started.promise;
      // New events for the contact arrive while it is being handled: ten dispatches, one follow-up.
      for (let i = 0; i < 10; i += 1) await dispatcher.dispatch([item]);
      expect((await queue.getJobCounts('wait')).wait).toBe(0);
      release.open();
      await eventually(async () => (runs.length >= 2 && (await queued()) === 0 ? true : undefined), 'the follow-up to run');
      expect(runs).toEqual(['c-busy', 'c-busy']);
      // The contact is free again: the next dispatch queues a job as usual.
      await dispatcher.dispatch([item]);
      await eventually(async () => (runs.length === 3 && (await queued()) === 0 ? true : undefined), 'the third run');
    } finally {
      await worker.close();
    }
  });
});
