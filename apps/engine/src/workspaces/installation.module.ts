import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { InstallationService } from './installation.service';

/** Workspaces of the installation and who may create them (kept apart from WorkspacesModule, which the runtime imports). */
@Module({ imports: [AuditModule, UsersModule], providers: [InstallationService], exports: [InstallationService] })
export class InstallationModule {}
