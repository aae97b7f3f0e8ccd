import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PausesModule } from '../pauses/pauses.module';
import { StreamController } from '../stream/stream.controller';
import { StreamHub } from '../stream/stream-hub.service';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { CannedRepliesController } from './canned-replies.controller';
import { ConversationReadsService } from './conversation-reads.service';
import { ConversationReplyService } from './conversation-reply.service';
import { ConversationsController } from './conversations.controller';
import { ConversationsCoreModule } from './conversations-core.module';
import { ConversationsMediaModule } from './media/conversations-media.module';
import { MediaController } from './media/media.controller';

/** The support console's API (processes that serve the API): conversations, canned replies, media, the live stream. */
@Module({
  imports: [AuditModule, ConversationsCoreModule, ConversationsMediaModule, PausesModule, WhatsAppModule, WorkspacesModule],
  controllers: [ConversationsController, CannedRepliesController, MediaController, StreamController],
  providers: [ConversationReadsService, ConversationReplyService, StreamHub],
})
export class ConversationsModule {}
