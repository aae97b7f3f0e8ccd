import { SetMetadata } from '@nestjs/common';
import { USER_ROLES, type UserRole } from '../users/user-role';

export const ROLES = 'parley:roles';

/** Roles allowed to call a route. Routes without it are refused (fail closed). */
export const Roles = (...roles: UserRole[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);

/** Any signed-in user. */
export const AnyRole = (): MethodDecorator & ClassDecorator => Roles(...USER_ROLES);
