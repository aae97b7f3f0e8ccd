import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { WebhookProcessorService } from './webhook-processor.service';
import { WhatsAppNumbersService } from './whatsapp-numbers.service';
import { WhatsAppSenderService } from './whatsapp-sender.service';

@Module({
  imports: [AuditModule],
  providers: [WhatsAppNumbersService, WebhookProcessorService, WhatsAppSenderService],
  exports: [WhatsAppNumbersService, WebhookProcessorService, WhatsAppSenderService],
})
export class WhatsAppModule {}
