import { Controller, Get, HttpCode, HttpException, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ErrorResponses, NoContentResponse, ZodBody, ZodResponse } from '../common/api-contract';
import { USER_ROLES } from '../users/user-role';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { AuthService } from './auth.service';
import { CurrentPrincipal } from './current-principal.decorator';
import type { Principal } from './principal';
import { Public } from './public.decorator';
import { AnyRole } from './roles.decorator';
import { SESSION_COOKIE } from './session-token';

const loginSchema = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});
type LoginBody = z.infer<typeof loginSchema>;

const userView = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum([...USER_ROLES, 'integration']),
  workspaceId: z.uuid(),
});
const membershipView = z.object({ id: z.uuid(), name: z.string(), role: z.enum(USER_ROLES), home: z.boolean() });
const meView = z.object({
  user: userView,
  workspace: z.object({ id: z.uuid(), name: z.string() }).meta({ description: 'The workspace this session works in' }),
  memberships: z
    .array(membershipView)
    .meta({ description: 'Every workspace the user may switch to (their own first), with their role there' }),
});
const switchSchema = z.object({ workspaceId: z.uuid() });
const loginView = z.object({
  user: userView,
  token: z.string().meta({ description: 'The session token: send it as `Authorization: Bearer <token>` (the cookie carries it too)' }),
  expiresAt: z.iso.datetime(),
});

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  private secureCookie(request: Request): boolean {
    if (this.config.COOKIE_SECURE !== 'auto') return this.config.COOKIE_SECURE === 'true';
    return (this.config.PUBLIC_URL?.startsWith('https://') ?? false) || request.secure;
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; sets the session cookie and returns the token' })
  @ZodResponse(loginView, { description: 'Signed in' })
  @ErrorResponses({ 401: 'Email or password is incorrect', 429: 'Too many failed attempts (Retry-After says for how long)' })
  async login(@ZodBody(loginSchema) body: LoginBody, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const result = await this.auth.login(body.email, body.password, request.ip ?? 'unknown');
    if (result.outcome === 'locked') {
      response.setHeader('Retry-After', String(result.retryAfterSeconds));
      throw new HttpException(
        { statusCode: 429, message: `Too many failed attempts. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minute(s).` },
        429,
      );
    }
    if (result.outcome === 'invalid') {
      throw new HttpException({ statusCode: 401, message: 'Email or password is incorrect.' }, 401);
    }
    response.cookie(SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secureCookie(request),
      path: '/',
      expires: result.expiresAt,
    });
    return { user: this.view(result.principal), token: result.token, expiresAt: result.expiresAt.toISOString() };
  }

  @Post('logout')
  @AnyRole()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the current session' })
  @NoContentResponse('Signed out')
  async logout(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logout(principal);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @AnyRole()
  @ApiOperation({ summary: 'The signed-in user' })
  @ZodResponse(meView)
  async me(@CurrentPrincipal() principal: Principal) {
    return {
      user: this.view(principal),
      workspace: await this.auth.workspaceOf(principal),
      memberships: await this.auth.membershipsOf(principal),
    };
  }

  @Post('workspace')
  @AnyRole()
  @HttpCode(200)
  @ApiOperation({ summary: 'Switch this session to another workspace you belong to; every later request is scoped to it' })
  @ZodResponse(meView)
  @ErrorResponses({ 404: 'You are not a member of that workspace' })
  async switchWorkspace(@CurrentPrincipal() principal: Principal, @ZodBody(switchSchema) body: z.infer<typeof switchSchema>) {
    await this.auth.switchWorkspace(principal, body.workspaceId);
    const moved = { ...principal, workspaceId: body.workspaceId };
    const role = (await this.auth.membershipsOf(moved)).find((m) => m.id === body.workspaceId)?.role ?? principal.role;
    const now = { ...moved, role };
    return { user: this.view(now), workspace: await this.auth.workspaceOf(now), memberships: await this.auth.membershipsOf(now) };
  }

  private view(principal: Principal) {
    return { id: principal.userId, email: principal.email, role: principal.role, workspaceId: principal.workspaceId };
  }
}
