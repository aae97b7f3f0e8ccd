import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ConsentService } from '../contacts/consent.service';
import { ContactIdentityService } from '../contacts/contact-identity.service';
import { ConversationsCoreModule } from '../conversations/conversations-core.module';
import { EventsModule } from '../events/events.module';
import { PausesModule } from '../pauses/pauses.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { MessageChangesService } from './message-changes.service';
import { NumberBudget } from './policy/number-budget.service';
import { PolicyGateService } from './policy/policy-gate.service';
import { WebhookSecretsService } from './webhook-secrets.service';
import { WebhookProcessorService } from './webhook-processor.service';
import { WhatsAppNumbersService } from './whatsapp-numbers.service';
import { WhatsAppSenderService } from './whatsapp-sender.service';
import { WhatsAppTemplatesService } from './whatsapp-templates.service';

@Module({
  imports: [AuditModule, ConversationsCoreModule, EventsModule, PausesModule, WorkspacesModule],
  providers: [
    ConsentService,
    ContactIdentityService,
    MessageChangesService,
    NumberBudget,
    PolicyGateService,
    WhatsAppNumbersService,
    WebhookProcessorService,
    WhatsAppSenderService,
    WhatsAppTemplatesService,
    WebhookSecretsService,
  ],
  exports: [
    ConsentService,
    PolicyGateService,
    WhatsAppNumbersService,
    WebhookProcessorService,
    WhatsAppSenderService,
    WhatsAppTemplatesService,
    WebhookSecretsService,
  ],
})
export class WhatsAppModule {}
