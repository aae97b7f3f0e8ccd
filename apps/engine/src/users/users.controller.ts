import { Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ErrorResponses, ZodBody, ZodParam, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { USER_ROLES } from './user-role';
import { UsersService } from './users.service';

const createUserSchema = z.object({
  email: z.email().max(320),
  password: z.string().min(10, 'must be at least 10 characters').max(1024),
  role: z.enum(USER_ROLES),
  displayName: z.string().trim().max(200).optional(),
});

const updateUserSchema = z
  .object({ role: z.enum(USER_ROLES).optional(), disabled: z.boolean().optional() })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, 'give role or disabled');

const userView = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(USER_ROLES),
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
  addedFrom: z
    .string()
    .nullable()
    .meta({ description: 'For a user added from another workspace: its name (an installation admin manages them in Workspaces)' }),
});

@ApiTags('users')
@Controller('api/users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Users of the workspace, then users added to it from other workspaces' })
  @ZodResponse(z.object({ data: z.array(userView) }))
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.users.list(principal.workspaceId) };
  }

  @Post()
  @ApiOperation({ summary: 'Add a user with a role' })
  @ZodResponse(userView, { status: 201, description: 'The new user' })
  @ErrorResponses({ 409: 'A user with this email exists' })
  create(@CurrentPrincipal() principal: Principal, @ZodBody(createUserSchema) body: z.infer<typeof createUserSchema>) {
    return this.users.create(principal.workspaceId, body, principal);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a user role, or deactivate them (their sessions end at once) or re-activate them' })
  @ZodResponse(userView)
  @ErrorResponses({ 404: 'No such user in this workspace', 409: 'The change would leave the workspace without an active admin' })
  update(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(updateUserSchema) body: z.infer<typeof updateUserSchema>,
  ) {
    return this.users.update(principal, id, body);
  }

  @Post(':id/password-reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give a user a new generated password, shown only in this answer; their sessions end' })
  @ZodResponse(z.object({ user: userView, temporaryPassword: z.string() }))
  @ErrorResponses({ 404: 'No such user in this workspace' })
  resetPassword(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.users.resetPassword(principal, id);
  }
}
