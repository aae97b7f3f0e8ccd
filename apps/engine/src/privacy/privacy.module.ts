import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConversationsMediaModule } from '../conversations/media/conversations-media.module';
import { RuntimeModule } from '../runtime/runtime.module';
import { ContactDataExportService } from './contact-data-export.service';
import { ContactErasureService } from './contact-erasure.service';
import { ContactPrivacyController } from './contact-privacy.controller';

/** GDPR access and erasure of a contact's data. */
@Module({
  imports: [AuditModule, ConversationsMediaModule, RuntimeModule],
  controllers: [ContactPrivacyController],
  providers: [ContactDataExportService, ContactErasureService],
})
export class PrivacyModule {}
