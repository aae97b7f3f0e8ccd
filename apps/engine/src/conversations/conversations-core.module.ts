import { Module } from '@nestjs/common';
import { StreamModule } from '../stream/stream.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { ConversationHandoverService } from './conversation-handover.service';
import { ConversationLedgerService } from './conversation-ledger.service';

/**
 * What every process needs of conversations: the ledger that keeps them in
 * step with messages (the WhatsApp module calls it as it stores them).
 */
@Module({
  imports: [StreamModule, WorkspacesModule],
  providers: [ConversationLedgerService, ConversationHandoverService],
  exports: [ConversationLedgerService, ConversationHandoverService],
})
export class ConversationsCoreModule {}
