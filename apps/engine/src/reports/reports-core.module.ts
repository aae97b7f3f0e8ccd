import { Module } from '@nestjs/common';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ReportQueriesService } from './report-queries.service';
import { NotifierService } from '../notifications/notifier.service';
import { AuditService } from '../audit/audit.service';
import { ReportRecountService } from './report-recount.service';
import { ReportRollupService } from './report-rollup.service';
import { ReportWeeklyService } from './report-weekly.service';
import { ReportWeeklyDeliveryService } from './report-weekly-delivery.service';
import { ReportWordAlertsService } from './report-word-alerts.service';

/** Report rollups and the queries that read them. */
@Module({
  imports: [WorkspacesModule],
  providers: [
    AuditService,
    ReportRecountService,
    ReportRollupService,
    ReportQueriesService,
    ReportWeeklyService,
    ReportWeeklyDeliveryService,
    ReportWordAlertsService,
    NotifierService,
  ],
  exports: [
    ReportRecountService,
    ReportRollupService,
    ReportQueriesService,
    ReportWeeklyService,
    ReportWeeklyDeliveryService,
    ReportWordAlertsService,
  ],
})
export class ReportsCoreModule {}
