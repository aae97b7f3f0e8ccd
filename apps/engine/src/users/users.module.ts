import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { UsersService } from './users.service';

@Module({ imports: [AuditModule, AuthModule], providers: [UsersService], exports: [UsersService] })
export class UsersModule {}
