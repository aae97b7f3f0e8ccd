import { Global, Module } from '@nestjs/common';
import { CloudApiHealthService } from '../health/cloud-api-health.service';
import { NotifierService } from '../notifications/notifier.service';
import { EngineMetrics } from './engine-metrics';
import { MetricsController } from './metrics.controller';
import { OperationalGauges } from './operational-gauges.service';

/** Metrics and the Cloud API health watch, available to every module of every engine role. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [EngineMetrics, OperationalGauges, CloudApiHealthService, NotifierService],
  exports: [EngineMetrics, CloudApiHealthService],
})
export class MetricsModule {}
