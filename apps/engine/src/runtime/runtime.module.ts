import { Module } from '@nestjs/common';
import { NODE_HANDLERS as HANDLER_LIST } from '@parley/nodes/handlers';
import { AuditModule } from '../audit/audit.module';
import { ContactActionsService } from '../contacts/contact-actions.service';
import { ConversationsCoreModule } from '../conversations/conversations-core.module';
import { CouponService } from '../coupons/coupon.service';
import { CrmStoreService } from '../crm/crm-store.service';
import { CrmSyncModule } from '../crm/crm-sync.module';
import { CrmFlowActionsService } from '../crm/flow-actions/crm-flow-actions.service';
import { EventsModule } from '../events/events.module';
import { FlowsModule } from '../flows/flows.module';
import { NotifierService } from '../notifications/notifier.service';
import { PausesModule } from '../pauses/pauses.module';
import { TestRunMessagesService } from '../test-runs/test-run-messages.service';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ExecutionStoreModule } from '../executions/execution-store.module';
import { FlowVersionCache } from './flow-version-cache.service';
import { PublishedFlowsCache } from './published-flows-cache.service';
import { NodeHandlerRegistry } from './node-handler-registry';
import { NODE_HANDLERS } from './node-handlers.token';

/**
 * What flows run on, below orchestration/: compiled flow versions, the
 * published-flows cache, node handlers and the services steps use. The
 * runner and event processing that drive them live in orchestration/.
 */
@Module({
  imports: [
    AuditModule,
    CrmSyncModule,
    ExecutionStoreModule,
    ConversationsCoreModule,
    EventsModule,
    FlowsModule,
    PausesModule,
    WhatsAppModule,
    WorkspacesModule,
  ],
  providers: [
    { provide: NODE_HANDLERS, useValue: new NodeHandlerRegistry(HANDLER_LIST) },
    ContactActionsService,
    CouponService,
    CrmStoreService,
    CrmFlowActionsService,
    FlowVersionCache,
    NotifierService,
    PublishedFlowsCache,
    TestRunMessagesService,
  ],
  exports: [
    ContactActionsService,
    CouponService,
    CrmFlowActionsService,
    CrmStoreService,
    FlowVersionCache,
    NODE_HANDLERS,
    NotifierService,
    PausesModule,
    PublishedFlowsCache,
    TestRunMessagesService,
  ],
})
export class RuntimeModule {}
