import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { SetupService } from './setup.service';

@Module({ imports: [UsersModule, WhatsAppModule], providers: [SetupService], exports: [SetupService] })
export class SetupModule {}
