import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CrmConflictsService } from './conflicts/crm-conflicts.service';
import { ConnectorFactory } from './connections/connector-factory';
import { CrmConnectionsService } from './connections/crm-connections.service';
import { CrmModule } from './crm.module';
import { NotifierService } from '../notifications/notifier.service';
import { CrmChatHistoryService } from './sync/crm-chat-history.service';
import { CrmHealthAlertService } from './sync/crm-health-alert.service';
import { CrmHealthService } from './sync/crm-health.service';
import { CrmOutboxService } from './sync/crm-outbox.service';
import { CrmPushLoop } from './sync/crm-push-loop.service';
import { CrmSyncRunner } from './sync/crm-sync-runner.service';
import { CrmSyncService } from './sync/crm-sync.service';
import { ZohoChannelService } from './zoho-notifications/zoho-channel.service';

/** CRM connections, connectors and the two-way sync (outbox, polling, conflicts, health). */
@Module({
  imports: [AuditModule, CrmModule],
  providers: [
    ConnectorFactory,
    CrmConnectionsService,
    CrmOutboxService,
    CrmChatHistoryService,
    CrmSyncService,
    CrmHealthService,
    CrmHealthAlertService,
    NotifierService,
    CrmConflictsService,
    CrmSyncRunner,
    CrmPushLoop,
    ZohoChannelService,
  ],
  exports: [
    CrmPushLoop,
    CrmConnectionsService,
    CrmSyncService,
    CrmOutboxService,
    CrmChatHistoryService,
    CrmHealthService,
    CrmConflictsService,
  ],
})
export class CrmSyncModule {}
