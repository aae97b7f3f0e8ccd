import { type DynamicModule, Module } from '@nestjs/common';
import type { EngineConfig } from '../config/engine-config';
import { ReportRollupWorker } from './report-rollup.worker';
import { ReportsCoreModule } from './reports-core.module';

/** The rollup job, in processes that do work (roles worker and all). */
@Module({})
export class ReportsWorkModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return {
      module: ReportsWorkModule,
      imports: [ReportsCoreModule],
      providers: config.ENGINE_ROLE === 'api' ? [] : [ReportRollupWorker],
    };
  }
}
