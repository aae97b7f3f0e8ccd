import { Module } from '@nestjs/common';
import { WhatsAppModule } from '../../whatsapp/whatsapp.module';
import { ConversationsCoreModule } from '../conversations-core.module';
import { MediaFetcherService } from './media-fetcher.service';
import { MediaStorage } from './media-storage';
import { mediaStorageProvider } from './media-storage.provider';
import { MediaUploadService } from './media-upload.service';

/** Media kept by Parley: the storage (folder or S3), fetching customers' files, agents' uploads. */
@Module({
  imports: [ConversationsCoreModule, WhatsAppModule],
  providers: [mediaStorageProvider, MediaFetcherService, MediaUploadService],
  exports: [MediaFetcherService, MediaUploadService, MediaStorage],
})
export class ConversationsMediaModule {}
