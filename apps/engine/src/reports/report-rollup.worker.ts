import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { ReportRollupService } from './report-rollup.service';

/** How often the rollups catch up with new messages, statuses, runs and orders. */
const INTERVAL_MS = 2000;

/** Keeps the report rollups current, in processes that do work (roles worker and all). */
@Injectable()
export class ReportRollupWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReportRollupWorker');
  private readonly task = new PeriodicTask(this.logger, 'Report rollup failed');

  constructor(private readonly rollups: ReportRollupService) {}

  onApplicationBootstrap(): void {
    this.task.start(INTERVAL_MS, async () => {
      await this.rollups.drain({ wait: false });
    });
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }
}
