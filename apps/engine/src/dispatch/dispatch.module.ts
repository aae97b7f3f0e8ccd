import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { EngineConfig } from '../config/engine-config';
import { RuntimeModule } from '../runtime/runtime.module';
import { SchedulerService } from '../runtime/scheduler.service';
import { WaitTimerService } from '../runtime/wait-timer.service';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { BullmqDispatcher } from './bullmq-dispatcher';
import { BullmqWorkerService } from './bullmq-worker.service';
import { Dispatcher } from './dispatcher';
import { InProcessDispatcher } from './in-process-dispatcher';
import { SweeperService } from './sweeper.service';
import { WorkRunner } from './work-runner.service';

/**
 * Picks how work travels: in-process without Redis; BullMQ with REDIS_URL.
 * Only processes that do work (roles worker and all) consume and sweep.
 */
@Module({})
export class DispatchModule {
  static forRoot(config: EngineConfig): DynamicModule {
    const consumes = config.ENGINE_ROLE !== 'api';
    const providers: Provider[] = [WorkRunner];
    if (config.REDIS_URL) {
      providers.push({ provide: Dispatcher, useClass: BullmqDispatcher });
      if (consumes) providers.push(BullmqWorkerService, SweeperService, WaitTimerService, SchedulerService);
    } else {
      providers.push(
        InProcessDispatcher,
        { provide: Dispatcher, useExisting: InProcessDispatcher },
        SweeperService,
        WaitTimerService,
        SchedulerService,
      );
    }
    return {
      module: DispatchModule,
      global: true,
      imports: [WhatsAppModule, RuntimeModule],
      providers,
      exports: [Dispatcher],
    };
  }
}
