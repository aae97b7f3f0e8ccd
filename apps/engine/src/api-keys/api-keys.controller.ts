import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ErrorResponses, NoContentResponse, ZodBody, ZodParam, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { ApiKeysService } from './api-keys.service';

const createSchema = z.object({ name: z.string().trim().min(1).max(100) });
const keyView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z
    .string()
    .nullable()
    .meta({ description: 'The key’s first characters, to tell keys apart (null for keys made before prefixes were kept)' }),
  createdAt: z.iso.datetime(),
  createdBy: z.string().nullable().meta({ description: 'Email of the user who created the key, if still known' }),
  revoked: z.boolean(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable().meta({ description: 'Last call made with the key (to the minute), null if never used' }),
});
const createdKey = z.object({
  id: z.uuid(),
  name: z.string(),
  key: z.string().meta({ description: 'The key (pk_...): shown only in this answer, send it as X-Api-Key' }),
});

@ApiTags('api-keys')
@Controller('api/api-keys')
@Roles('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'API keys of the workspace (never the keys themselves)' })
  @ZodResponse(z.object({ data: z.array(keyView) }))
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.keys.list(principal.workspaceId) };
  }

  @Post()
  @ApiOperation({ summary: 'Create a key for a shop or CRM to post events; the key is shown only in this answer' })
  @ZodResponse(createdKey, { status: 201, description: 'The new key' })
  create(@CurrentPrincipal() principal: Principal, @ZodBody(createSchema) body: z.infer<typeof createSchema>) {
    return this.keys.create(principal, body.name);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key' })
  @ErrorResponses({ 404: 'No such active API key in this workspace' })
  @NoContentResponse('Revoked')
  async revoke(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string): Promise<void> {
    await this.keys.revoke(principal, id);
  }
}
