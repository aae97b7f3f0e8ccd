import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../../common/periodic-task';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { CrmConnectionsService } from '../connections/crm-connections.service';
import { CrmPushLoop } from './crm-push-loop.service';
import { CrmSyncService } from './crm-sync.service';

/**
 * Works every active CRM connection each CRM_SYNC_INTERVAL_MS in processes
 * that do work (roles worker and all): each CRM_POLL_INTERVAL_MS reads the
 * CRM's changes and collects chat history, and runs the nightly batch when
 * due. The outbox is pushed by CrmPushLoop, woken by each queued change, so
 * a push never waits behind a pull (by the round itself when the loop is
 * off: sync moved by hand). Several workers may run it; the
 * connection lease keeps the work single.
 */
@Injectable()
export class CrmSyncRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CrmSyncRunner');
  private readonly task = new PeriodicTask(this.logger, 'CRM sync round failed');

  constructor(
    private readonly connections: CrmConnectionsService,
    private readonly sync: CrmSyncService,
    private readonly pushLoop: CrmPushLoop,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.ENGINE_ROLE === 'api') return;
    this.task.start(this.config.CRM_SYNC_INTERVAL_MS, () => this.round());
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  private async round(): Promise<void> {
    const active = await this.connections.allActive();
    await Promise.all(
      active.map((connection) =>
        this.sync.run(connection.id, { push: !this.pushLoop.active() }).catch((error: unknown) => {
          this.logger.warn(`CRM sync of ${connection.id} failed: ${error instanceof Error ? error.message : String(error)}`);
        }),
      ),
    );
  }
}
