import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiSecurity } from '@nestjs/swagger';
import { USER_ROLES, type UserRole } from '../users/user-role';

export const ROLES = 'parley:roles';

/** Roles allowed to call a route. Routes without it are refused (fail closed). The API document lists the session it needs. */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROLES, roles), ApiCookieAuth('session'), ApiBearerAuth('bearer'));

/** Any signed-in user. */
export const AnyRole = (): MethodDecorator & ClassDecorator => Roles(...USER_ROLES);

export const ALLOW_API_KEY = 'parley:allowApiKey';

/** Lets systems with a workspace API key (X-Api-Key) call this route, besides the roles given. */
export const AllowApiKey = (): MethodDecorator & ClassDecorator => applyDecorators(SetMetadata(ALLOW_API_KEY, true), ApiSecurity('apiKey'));
