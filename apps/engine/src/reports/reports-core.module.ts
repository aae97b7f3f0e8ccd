import { Module } from '@nestjs/common';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ReportQueriesService } from './report-queries.service';
import { ReportRollupService } from './report-rollup.service';

/** Report rollups and the queries that read them. */
@Module({
  imports: [WorkspacesModule],
  providers: [ReportRollupService, ReportQueriesService],
  exports: [ReportRollupService, ReportQueriesService],
})
export class ReportsCoreModule {}
