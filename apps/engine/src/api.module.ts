import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditController } from './audit/audit.controller';
import { AuditModule } from './audit/audit.module';
import { AuthController } from './auth/auth.controller';
import { AuthModule } from './auth/auth.module';
import { SessionGuard } from './auth/session.guard';
import { ContactsController } from './contacts/contacts.controller';
import { ExecutionsController } from './executions/executions.controller';
import { ExecutionsService } from './executions/executions.service';
import { FlowsController } from './flows/flows.controller';
import { FlowsModule } from './flows/flows.module';
import { NodeTypesController } from './flows/node-types.controller';
import { UsersController } from './users/users.controller';
import { UsersModule } from './users/users.module';
import { WhatsAppNumbersController } from './whatsapp/whatsapp-numbers.controller';
import { WhatsAppWebhookController } from './whatsapp/whatsapp-webhook.controller';
import { WhatsAppModule } from './whatsapp/whatsapp.module';

/** The HTTP API (roles api and all). Every route passes the global SessionGuard. */
@Module({
  imports: [AuditModule, AuthModule, FlowsModule, UsersModule, WhatsAppModule],
  controllers: [
    AuditController,
    AuthController,
    ContactsController,
    ExecutionsController,
    FlowsController,
    NodeTypesController,
    UsersController,
    WhatsAppNumbersController,
    WhatsAppWebhookController,
  ],
  providers: [ExecutionsService, { provide: APP_GUARD, useExisting: SessionGuard }],
})
export class ApiModule {}
