import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { UserRole } from '../users/user-role';
import { AuthService } from './auth.service';
import { IS_PUBLIC } from './public.decorator';
import { readSessionToken } from './read-session-token';
import './request-principal';
import { ALLOW_API_KEY, ROLES } from './roles.decorator';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { noteApiKeyActor } from '../audit/request-origin';

/**
 * Global guard: every route needs a valid session and one of the roles its
 * @Roles names. A route that declares neither @Public nor @Roles is refused,
 * so forgetting a decorator can never open a route.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  private readonly logger = new Logger('SessionGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true) return true;

    const request = context.switchToHttp().getRequest<Request>();
    const apiKey = request.headers['x-api-key'];
    if (typeof apiKey === 'string') {
      const key = await this.apiKeys.authenticate(apiKey);
      if (!key) throw new UnauthorizedException('Unknown or revoked API key.');
      if (this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_API_KEY, targets) !== true) {
        throw new ForbiddenException('API keys cannot call this route.');
      }
      await this.apiKeys.touch(key.keyId);
      noteApiKeyActor({ id: key.keyId, name: key.name, prefix: key.prefix });
      request.principal = {
        userId: key.createdBy ?? key.keyId,
        workspaceId: key.workspaceId,
        role: 'integration',
        email: `api-key:${key.keyId}`,
        sessionId: key.keyId,
      };
      return true;
    }
    const token = readSessionToken(request);
    const principal = token ? await this.auth.authenticate(token) : null;
    if (!principal) throw new UnauthorizedException('Sign in first.');
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (!roles) {
      this.logger.error(`Route ${request.method} ${request.path} declares no roles; refusing it`);
      throw new ForbiddenException('This route is not available.');
    }
    if (principal.role === 'integration' || !roles.includes(principal.role)) {
      throw new ForbiddenException(`This needs one of these roles: ${roles.join(', ')}.`);
    }
    return true;
  }
}
