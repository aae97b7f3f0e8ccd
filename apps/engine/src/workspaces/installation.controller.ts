import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { ErrorResponses, ZodBody, ZodParam, ZodResponse } from '../common/api-contract';
import { USER_ROLES } from '../users/user-role';
import { InstallationService } from './installation.service';

const workspaceSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  users: z.number().int().meta({ description: 'Active users' }),
  admins: z.array(z.string()).meta({ description: 'Emails of the active admins' }),
  members: z
    .array(z.object({ userId: z.uuid(), email: z.string(), role: z.enum(USER_ROLES) }))
    .meta({ description: 'Users of other workspaces added to this one, with their role here' }),
});
const memberSchema = z.object({ email: z.email().max(320), role: z.enum(USER_ROLES) });
const idParam = z.uuid();

const createSchema = z.object({
  name: z.string().trim().min(1).max(200),
  admin: z.object({ email: z.email().max(320), displayName: z.string().trim().max(200).optional() }),
});

@ApiTags('workspaces')
@Controller('api/installation')
export class InstallationController {
  constructor(private readonly installation: InstallationService) {}

  @Get()
  @AnyRole()
  @ApiOperation({ summary: 'Whether you are an admin of the installation (an active admin of the first workspace)' })
  @ZodResponse(z.object({ installationAdmin: z.boolean() }))
  async get(@CurrentPrincipal() principal: Principal) {
    return { installationAdmin: await this.installation.isInstallationAdmin(principal) };
  }

  @Get('workspaces')
  @Roles('admin')
  @ApiOperation({ summary: 'Every workspace of the installation (installation admins only)' })
  @ZodResponse(z.object({ data: z.array(workspaceSummary) }))
  @ErrorResponses({ 403: 'Not an admin of the installation' })
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.installation.list(principal) };
  }

  @Post('workspaces')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a workspace and its first admin; the admin’s generated password is shown only in this answer' })
  @ZodResponse(z.object({ workspace: workspaceSummary, adminEmail: z.string(), temporaryPassword: z.string() }), {
    status: 201,
    description: 'The new workspace',
  })
  @ErrorResponses({ 403: 'Not an admin of the installation', 409: 'A user with this email exists' })
  create(@CurrentPrincipal() principal: Principal, @ZodBody(createSchema) body: z.infer<typeof createSchema>) {
    return this.installation.create(principal, body);
  }

  @Post('workspaces/:id/members')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add an existing user of any workspace to this one, with a role here (installation admins only)' })
  @ZodResponse(workspaceSummary, { description: 'The workspace with its members' })
  @ErrorResponses({ 403: 'Not an admin of the installation', 404: 'No such workspace or active user', 409: 'Already a member' })
  addMember(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) workspaceId: string,
    @ZodBody(memberSchema) body: z.infer<typeof memberSchema>,
  ) {
    return this.installation.addMember(principal, workspaceId, body);
  }

  @Delete('workspaces/:id/members/:userId')
  @Roles('admin')
  @ApiOperation({ summary: 'Remove a user added to this workspace; their sessions there end at once (installation admins only)' })
  @ZodResponse(workspaceSummary, { description: 'The workspace with its members' })
  @ErrorResponses({ 403: 'Not an admin of the installation', 404: 'Not a member added to this workspace' })
  removeMember(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) workspaceId: string,
    @ZodParam('userId', idParam) userId: string,
  ) {
    return this.installation.removeMember(principal, workspaceId, userId);
  }
}
