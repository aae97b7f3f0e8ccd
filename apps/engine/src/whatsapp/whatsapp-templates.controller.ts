import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { ZodParam, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { WhatsAppTemplatesService } from './whatsapp-templates.service';

const templateView = z.object({
  id: z.uuid(),
  wabaId: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  statusReason: z.string().nullable(),
  components: z.array(z.record(z.string(), z.unknown())),
  parameters: z.object({ body: z.number().int(), header: z.number().int(), buttons: z.number().int(), format: z.string() }),
  syncedAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
});

@ApiTags('whatsapp')
@Controller('api/whatsapp')
export class WhatsAppTemplatesController {
  constructor(private readonly templates: WhatsAppTemplatesService) {}

  @Get('templates')
  @AnyRole()
  @ApiOperation({
    summary: 'Message templates of the workspace’s WhatsApp accounts, with status, category and parameters (for the template picker)',
  })
  @ZodResponse(z.object({ data: z.array(templateView) }))
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.templates.list(principal.workspaceId) };
  }

  @Get('templates/:id')
  @AnyRole()
  @ApiOperation({ summary: 'One message template with its components' })
  @ZodResponse(templateView)
  get(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.templates.get(principal.workspaceId, id);
  }

  @Post('numbers/:id/templates/sync')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Fetch the number’s account templates from WhatsApp and replace the registry with them' })
  @ZodResponse(z.object({ synced: z.number().int(), removed: z.number().int() }))
  sync(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.templates.sync(principal, principal.workspaceId, id);
  }
}
