import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditController } from './audit/audit.controller';
import { AuditModule } from './audit/audit.module';
import { AuthController } from './auth/auth.controller';
import { AuthModule } from './auth/auth.module';
import { SessionGuard } from './auth/session.guard';
import { ContactsController } from './contacts/contacts.controller';
import { ConversationsModule } from './conversations/conversations.module';
import { CrmEventsController } from './crm/crm-events.controller';
import { CrmModule } from './crm/crm.module';
import { EventsModule } from './events/events.module';
import { ExecutionsController } from './executions/executions.controller';
import { ExecutionsService } from './executions/executions.service';
import { FlowRunsController } from './flows/flow-runs.controller';
import { FlowsController } from './flows/flows.controller';
import { FlowsModule } from './flows/flows.module';
import { FlowTemplatesController } from './flows/flow-templates.controller';
import { NodeTypesController } from './flows/node-types.controller';
import { IncomingWebhookController } from './hooks/incoming-webhook.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { PausesController } from './pauses/pauses.controller';
import { ReportsController } from './reports/reports.controller';
import { ReportsCoreModule } from './reports/reports-core.module';
import { RuntimeModule } from './runtime/runtime.module';
import { SimulatorClientService } from './test-runs/simulator-client.service';
import { TestRunsController } from './test-runs/test-runs.controller';
import { TestRunsService } from './test-runs/test-runs.service';
import { UsersController } from './users/users.controller';
import { UsersModule } from './users/users.module';
import { ConversationController } from './whatsapp/conversation.controller';
import { WhatsAppNumbersController } from './whatsapp/whatsapp-numbers.controller';
import { WhatsAppTemplatesController } from './whatsapp/whatsapp-templates.controller';
import { WebhookIngestService } from './whatsapp/webhook-ingest.service';
import { WhatsAppWebhookController } from './whatsapp/whatsapp-webhook.controller';
import { WhatsAppModule } from './whatsapp/whatsapp.module';
import { WorkspaceSettingsController } from './workspaces/workspace-settings.controller';
import { WorkspacesModule } from './workspaces/workspaces.module';

/** The HTTP API (roles api and all). Every route passes the global SessionGuard. */
@Module({
  imports: [
    AuditModule,
    AuthModule,
    ConversationsModule,
    CrmModule,
    EventsModule,
    FlowsModule,
    ReportsCoreModule,
    RuntimeModule,
    UsersModule,
    WhatsAppModule,
    WorkspacesModule,
  ],
  controllers: [
    ApiKeysController,
    AuditController,
    AuthController,
    ContactsController,
    ConversationController,
    CrmEventsController,
    ExecutionsController,
    FlowRunsController,
    FlowsController,
    IncomingWebhookController,
    NodeTypesController,
    FlowTemplatesController,
    NotificationsController,
    PausesController,
    ReportsController,
    TestRunsController,
    UsersController,
    WhatsAppNumbersController,
    WhatsAppTemplatesController,
    WhatsAppWebhookController,
    WorkspaceSettingsController,
  ],
  providers: [
    ExecutionsService,
    SimulatorClientService,
    TestRunsService,
    WebhookIngestService,
    { provide: APP_GUARD, useExisting: SessionGuard },
  ],
})
export class ApiModule {}
