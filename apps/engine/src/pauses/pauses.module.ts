import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { StreamModule } from '../stream/stream.module';
import { PauseService } from './pause.service';

/** Automation pauses (human takeover, by hand, per flow, workspace-wide), shared by the runtime and the send gate. */
@Module({ imports: [AuditModule, StreamModule], providers: [PauseService], exports: [PauseService] })
export class PausesModule {}
