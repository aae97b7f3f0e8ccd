import { Module } from '@nestjs/common';
import { NODE_HANDLERS as HANDLER_LIST } from '@parley/nodes/handlers';
import { EventProcessorService } from '../events/event-processor.service';
import { FlowsModule } from '../flows/flows.module';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { FlowRunner } from './flow-runner.service';
import { FlowVersionCache } from './flow-version-cache.service';
import { NodeHandlerRegistry } from './node-handler-registry';
import { NODE_HANDLERS } from './node-handlers.token';

@Module({
  imports: [FlowsModule, WhatsAppModule],
  providers: [
    { provide: NODE_HANDLERS, useValue: new NodeHandlerRegistry(HANDLER_LIST) },
    FlowVersionCache,
    FlowRunner,
    EventProcessorService,
  ],
  exports: [EventProcessorService, FlowRunner, NODE_HANDLERS],
})
export class RuntimeModule {}
