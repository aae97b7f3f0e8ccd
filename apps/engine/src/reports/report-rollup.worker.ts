import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { ReportRollupService } from './report-rollup.service';
import { ReportWeeklyService } from './report-weekly.service';
import { ReportWeeklyDeliveryService } from './report-weekly-delivery.service';
import { ReportWordAlertsService } from './report-word-alerts.service';
import { Clock } from '../common/clock';

/** How often the rollups catch up with new messages, statuses, runs and orders. */
const INTERVAL_MS = 2000;

/** Weekly reports and watched-word alerts are looked at at most this often. */
const WEEKLY_EVERY_MS = 60_000;

/** Keeps the report rollups current and makes the weekly reports, in processes that do work (roles worker and all). */
@Injectable()
export class ReportRollupWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReportRollupWorker');
  private readonly task = new PeriodicTask(this.logger, 'Report rollup failed');

  private lastWeekly = 0;

  constructor(
    private readonly rollups: ReportRollupService,
    private readonly weekly: ReportWeeklyService,
    private readonly deliveries: ReportWeeklyDeliveryService,
    private readonly alerts: ReportWordAlertsService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(INTERVAL_MS, async () => {
      await this.rollups.drain({ wait: false });
      if (Date.now() - this.lastWeekly >= WEEKLY_EVERY_MS) {
        this.lastWeekly = Date.now();
        await this.weekly.makeDue();
        // After the round above, so an alert reads the rollups as current as they get.
        await this.alerts.evaluate(this.clock.now());
      }
      await this.deliveries.deliverDue();
    });
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }
}
