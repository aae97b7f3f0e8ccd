import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { ApiKeysService } from './api-keys.service';

const createSchema = z.object({ name: z.string().trim().min(1).max(100) });

@ApiTags('api-keys')
@Controller('api/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'API keys of the workspace (never the keys themselves)' })
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.keys.list(principal.workspaceId) };
  }

  @Post()
  @ApiOperation({ summary: 'Create a key for a shop or CRM to post events; the key is shown only in this answer' })
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodValidationPipe(createSchema)) body: z.infer<typeof createSchema>) {
    return this.keys.create(principal, body.name);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key' })
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.keys.revoke(principal, id);
  }
}
