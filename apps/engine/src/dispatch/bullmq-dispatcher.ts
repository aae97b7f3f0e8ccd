import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { type DispatchOptions, Dispatcher } from './dispatcher';
import { redisConnection } from './redis-connection';
import type { WorkItem } from './work-item';
import { WORK_QUEUE } from './work-queue';

/**
 * Scaled mode: work items go to a BullMQ queue on Redis and any worker
 * process takes them. Failed jobs are retried with backoff; the rows they
 * point at stay pending in PostgreSQL, so the sweeper covers anything Redis loses.
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

  async dispatch(items: readonly WorkItem[], options: DispatchOptions = {}): Promise<void> {
    if (items.length === 0) return;
    await this.queue.addBulk(
      items.map((item) => ({
        name: item.kind,
        data: { kind: item.kind, id: item.id },
        // BullMQ ignores an add whose jobId is still queued; a failed one is removed so the next scan can add it again.
        ...(options.coalesce ? { opts: { jobId: `rescan-${item.kind}-${item.id}`, removeOnFail: true } } : {}),
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}
