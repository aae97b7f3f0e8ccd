import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { Dispatcher } from './dispatcher';
import { redisConnection } from './redis-connection';
import { type WorkItem, workItemKey } from './work-item';
import { WORK_QUEUE } from './work-queue';

/**
 * Scaled mode: work items go to a BullMQ queue on Redis and any worker
 * process takes them. Failed jobs are retried with backoff; the rows they
 * point at stay pending in PostgreSQL, so the sweeper covers anything Redis loses.
 *
 * An item is queued once: its key is the job's deduplication id, so adding it
 * again while it waits does nothing, and adding it while a worker runs it
 * keeps one follow-up job (BullMQ's keepLastIfActive), which starts when the
 * running one ends and picks up whatever arrived meanwhile. Re-dispatching
 * (sweeper, wait timer, follow-ups) therefore never multiplies the work, also
 * when the backlog is minutes long. The deduplication id is released when
 * the job completes or finally fails, so the next rescan can queue it again.
 */
@Injectable()
export class BullmqDispatcher extends Dispatcher implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queue: Queue;

  constructor(@Inject(ENGINE_CONFIG) config: EngineConfig) {
    super();
    if (!config.REDIS_URL) throw new Error('BullmqDispatcher needs REDIS_URL');
    this.connection = redisConnection(config.REDIS_URL, 'dispatch');
    this.queue = new Queue(WORK_QUEUE, {
      connection: this.connection,
      prefix: config.REDIS_PREFIX,
      defaultJobOptions: {
        removeOnComplete: true,
        removeOnFail: 1000,
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
      },
    });
  }

  async dispatch(items: readonly WorkItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.queue.addBulk(
      items.map((item) => ({
        name: item.kind,
        data: { kind: item.kind, id: item.id },
        opts: { deduplication: { id: `${item.recovery ? 'recovery:' : ''}${workItemKey(item)}`, keepLastIfActive: true } },
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}
