import { createParamDecorator, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from './principal';
import './request-principal';

/** The signed-in caller of a guarded route. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<Request>();
  if (!request.principal) throw new UnauthorizedException();
  return request.principal;
});
