import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { Dispatcher } from '../dispatch/dispatcher';
import { redisConnection } from '../dispatch/redis-connection';
import { WORK_QUEUE, workItemSchema } from '../dispatch/work-queue';
import { WorkRunner } from './work-runner.service';
import { codeOfError, errorConstraint } from '../common/error-code';

/** Takes work items from the BullMQ queue (worker and all roles). */
@Injectable()
export class BullmqWorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('BullmqWorker');
  private connection: Redis | null = null;
  private worker: Worker | null = null;

  constructor(
    private readonly runner: WorkRunner,
    private readonly dispatcher: Dispatcher,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.REDIS_URL) throw new Error('BullmqWorkerService needs REDIS_URL');
    this.connection = redisConnection(this.config.REDIS_URL, 'worker');
    this.worker = new Worker(
      WORK_QUEUE,
      async (job) => {
        const item = workItemSchema.parse(job.data);
        const followUps = await this.runner.run(item);
        await this.dispatcher.dispatch(followUps);
      },
      { connection: this.connection, prefix: this.config.REDIS_PREFIX, concurrency: this.config.WORKER_CONCURRENCY },
    );
    this.worker.on('failed', (job, error) => {
      const item = workItemSchema.safeParse(job?.data);
      // No error message: it can quote the item's data (a webhook's text, a customer's number).
      this.logger.warn(
        {
          event: 'work_item.failed',
          kind: item.success ? item.data.kind : null,
          id: item.success ? item.data.id : null,
          attempt: job?.attemptsMade ?? 0,
          errorCode: codeOfError(error),
          constraint: errorConstraint(error),
        },
        'Work item failed; it will be retried',
      );
    });
    this.worker.on('error', (error) => this.logger.error(`Worker error: ${error.message}`));
  }

  /**
   * Takes no new jobs and lets the running ones finish before any module
   * closes (the database first of all): a send cut off between its claim and
   * its answer would be left "unknown" and never sent.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  onApplicationShutdown(): void {
    this.connection?.disconnect();
  }
}
