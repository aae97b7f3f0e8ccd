import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { EventsModule } from '../events/events.module';
import { WebhookProcessorService } from './webhook-processor.service';
import { WhatsAppNumbersService } from './whatsapp-numbers.service';
import { WhatsAppSenderService } from './whatsapp-sender.service';

@Module({
  imports: [AuditModule, EventsModule],
  providers: [WhatsAppNumbersService, WebhookProcessorService, WhatsAppSenderService],
  exports: [WhatsAppNumbersService, WebhookProcessorService, WhatsAppSenderService],
})
export class WhatsAppModule {}
