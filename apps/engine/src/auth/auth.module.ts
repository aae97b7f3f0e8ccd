import { Module } from '@nestjs/common';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditModule } from '../audit/audit.module';
import { AuthService } from './auth.service';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordHasher } from './password-hasher';
import { SessionGuard } from './session.guard';

@Module({
  imports: [AuditModule],
  providers: [ApiKeysService, AuthService, LoginThrottleService, PasswordHasher, SessionGuard],
  exports: [ApiKeysService, AuthService, PasswordHasher, SessionGuard],
})
export class AuthModule {}
