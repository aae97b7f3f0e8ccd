import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { EngineConfig } from '../config/engine-config';
import { AuditModule } from '../audit/audit.module';
import { ConversationsCoreModule } from '../conversations/conversations-core.module';
import { CrmSyncModule } from '../crm/crm-sync.module';
import { BullmqDispatcher } from '../dispatch/bullmq-dispatcher';
import { Dispatcher } from '../dispatch/dispatcher';
import { InProcessDispatcher } from '../dispatch/in-process-dispatcher';
import { WorkHandler } from '../dispatch/work-handler';
import { EventsModule } from '../events/events.module';
import { BehaviourQueriesService } from '../logic/behaviour-queries.service';
import { ConditionEngineService } from '../logic/condition-engine.service';
import { PausesModule } from '../pauses/pauses.module';
import { RuntimeModule } from '../runtime/runtime.module';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { BullmqWorkerService } from './bullmq-worker.service';
import { EventProcessorService } from './event-processor.service';
import { FlowRunner } from './flow-runner.service';
import { SchedulerService } from './scheduler.service';
import { StepServicesFactory } from './step-services.factory';
import { SweeperService } from './sweeper.service';
import { WaitTimerService } from './wait-timer.service';
import { WorkRunner } from './work-runner.service';

/**
 * The top layer: event processing, the flow runner, waits, the scheduler and
 * the work runner, over the logic (conditions, behaviour windows) and the
 * feature modules. Picks how work travels: in-process without Redis; BullMQ
 * with REDIS_URL. Only processes that do work (roles worker and all) consume
 * and sweep. Nothing below imports this folder: features enqueue through the
 * Dispatcher and the dispatchers run work through WorkHandler.
 */
@Module({})
export class OrchestrationModule {
  static forRoot(config: EngineConfig): DynamicModule {
    const consumes = config.ENGINE_ROLE !== 'api';
    const providers: Provider[] = [
      BehaviourQueriesService,
      ConditionEngineService,
      EventProcessorService,
      FlowRunner,
      StepServicesFactory,
      WorkRunner,
      { provide: WorkHandler, useExisting: WorkRunner },
    ];
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
      module: OrchestrationModule,
      global: true,
      imports: [
        AuditModule,
        ConversationsCoreModule,
        CrmSyncModule,
        EventsModule,
        PausesModule,
        RuntimeModule,
        WhatsAppModule,
        WorkspacesModule,
      ],
      providers,
      exports: [Dispatcher],
    };
  }
}
