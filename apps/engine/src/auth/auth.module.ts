import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthService } from './auth.service';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordHasher } from './password-hasher';
import { SessionGuard } from './session.guard';

@Module({
  imports: [AuditModule],
  providers: [AuthService, LoginThrottleService, PasswordHasher, SessionGuard],
  exports: [AuthService, PasswordHasher, SessionGuard],
})
export class AuthModule {}
