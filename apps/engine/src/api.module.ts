import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditController } from './audit/audit.controller';
import { AuditModule } from './audit/audit.module';
import { AuthController } from './auth/auth.controller';
import { AuthModule } from './auth/auth.module';
import { SessionGuard } from './auth/session.guard';
import { ContactListService } from './contacts/contact-list.service';
import { ContactsController } from './contacts/contacts.controller';
import { ConversationsModule } from './conversations/conversations.module';
import { CrmEventsController } from './crm/crm-events.controller';
import { CrmConflictsController } from './crm/conflicts/crm-conflicts.controller';
import { CrmConnectionsController } from './crm/connections/crm-connections.controller';
import { HubSpotWebhookController } from './crm/hubspot-webhook/hubspot-webhook.controller';
import { ZohoNotificationsController } from './crm/zoho-notifications/zoho-notifications.controller';
import { OutgoingWebhookController } from './crm/outgoing-webhook/outgoing-webhook.controller';
import { CrmModule } from './crm/crm.module';
import { CrmSyncModule } from './crm/crm-sync.module';
import { EventsModule } from './events/events.module';
import { BulkExecutionsController } from './executions/bulk/bulk-executions.controller';
import { BulkExecutionsService } from './executions/bulk/bulk-executions.service';
import { ExecutionsController } from './executions/executions.controller';
import { ExecutionsOverviewController } from './executions/executions-overview.controller';
import { ExecutionRetriesService } from './executions/execution-retries.service';
import { ExecutionsService } from './executions/executions.service';
import { SavedViewsService } from './executions/saved-views.service';
import { FlowRunsController } from './flows/flow-runs.controller';
import { FlowsController } from './flows/flows.controller';
import { FlowsModule } from './flows/flows.module';
import { FlowTemplatesController } from './flows/flow-templates.controller';
import { NodeTypesController } from './flows/node-types.controller';
import { InstallationController } from './workspaces/installation.controller';
import { IncomingWebhookController } from './hooks/incoming-webhook.controller';
import { ParkedWebhooksController } from './hooks/parked-webhooks.controller';
import { ParkedWebhooksService } from './hooks/parked-webhooks.service';
import { NotificationsController } from './notifications/notifications.controller';
import { PausesController } from './pauses/pauses.controller';
import { PreflightModule } from './preflight/preflight.module';
import { PrivacyModule } from './privacy/privacy.module';
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
import { InstallationModule } from './workspaces/installation.module';
import { WorkspacesModule } from './workspaces/workspaces.module';

/** The HTTP API (roles api and all). Every route passes the global SessionGuard. */
@Module({
  imports: [
    AuditModule,
    AuthModule,
    ConversationsModule,
    CrmModule,
    CrmSyncModule,
    EventsModule,
    FlowsModule,
    PreflightModule,
    PrivacyModule,
    InstallationModule,
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
    CrmConflictsController,
    CrmConnectionsController,
    HubSpotWebhookController,
    ZohoNotificationsController,
    OutgoingWebhookController,
    CrmEventsController,
    // Before ExecutionsController: their fixed paths (health, views, bulk) must not be read as an execution id.
    BulkExecutionsController,
    ExecutionsOverviewController,
    ExecutionsController,
    FlowRunsController,
    FlowsController,
    IncomingWebhookController,
    InstallationController,
    NodeTypesController,
    FlowTemplatesController,
    NotificationsController,
    ParkedWebhooksController,
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
    BulkExecutionsService,
    ContactListService,
    ExecutionsService,
    ExecutionRetriesService,
    ParkedWebhooksService,
    SavedViewsService,
    SimulatorClientService,
    TestRunsService,
    WebhookIngestService,
    { provide: APP_GUARD, useExisting: SessionGuard },
  ],
})
export class ApiModule {}
