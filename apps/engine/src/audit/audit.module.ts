import { Module } from '@nestjs/common';
import { AuditTrailService } from './audit-trail.service';
import { AuditService } from './audit.service';

@Module({ providers: [AuditService, AuditTrailService], exports: [AuditService, AuditTrailService] })
export class AuditModule {}
