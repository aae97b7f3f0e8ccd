import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { Dispatcher } from './dispatcher';
import { type WorkItem, workItemKey } from './work-item';
import { WorkHandler } from './work-handler';
import { codeOfError, errorConstraint } from '../common/error-code';

/**
 * Embedded mode: work runs in this process with bounded concurrency. Items
 * only carry ids, so if the process dies the sweeper finds the unprocessed
 * rows in PostgreSQL and dispatches them again.
 */
@Injectable()
export class InProcessDispatcher extends Dispatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger('InProcessDispatcher');
  private readonly queue: WorkItem[] = [];
  /** Keys already queued, so a burst of identical items is queued once. */
  private readonly queued = new Set<string>();
  private active = 0;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];
  /**
   * Work runs in the async context the dispatcher was made in, not in the one
   * of the HTTP request that happened to dispatch it: otherwise every log line
   * of a run would carry that unrelated request (nestjs-pino's request context).
   */
  private readonly background = new AsyncResource('parley-work');

  constructor(
    private readonly runner: WorkHandler,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {
    super();
  }

  async dispatch(items: readonly WorkItem[]): Promise<void> {
    if (this.stopping) return;
    for (const item of items) {
      const key = workItemKey(item);
      if (this.queued.has(key)) continue;
      this.queued.add(key);
      this.queue.push(item);
    }
    this.pump();
  }

  /** Resolves when nothing is queued or running (tests use it instead of sleeping). */
  whenIdle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what is queued (the sweeper finds it again) and lets running items finish before any module closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.queue.length = 0;
    this.queued.clear();
    await this.whenIdle();
  }

  private pump(): void {
    while (this.active < this.config.WORKER_CONCURRENCY && this.queue.length > 0) {
      const item = this.queue.shift();
      if (!item) break;
      this.queued.delete(workItemKey(item));
      this.active += 1;
      this.background.runInAsyncScope(() => void this.execute(item));
    }
    if (this.active === 0 && this.queue.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async execute(item: WorkItem): Promise<void> {
    try {
      const followUps = await this.runner.run(item);
      if (!this.stopping) {
        for (const next of followUps) {
          const key = workItemKey(next);
          if (this.queued.has(key)) continue;
          this.queued.add(key);
          this.queue.push(next);
        }
      }
    } catch (error) {
      // No error message: it can quote the item's data (a webhook's text, a customer's number).
      this.logger.error(
        { event: 'work_item.failed', kind: item.kind, id: item.id, errorCode: codeOfError(error), constraint: errorConstraint(error) },
        'Work item failed; it stays pending for the sweeper',
      );
    } finally {
      this.active -= 1;
      this.pump();
    }
  }
}
