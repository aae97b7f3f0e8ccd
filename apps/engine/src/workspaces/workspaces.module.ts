import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { WorkspaceSettingsService } from './workspace-settings.service';

@Module({ imports: [AuditModule], providers: [WorkspaceSettingsService], exports: [WorkspaceSettingsService] })
export class WorkspacesModule {}
