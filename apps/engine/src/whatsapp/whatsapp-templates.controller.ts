import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { WhatsAppTemplatesService } from './whatsapp-templates.service';

@ApiTags('whatsapp')
@Controller('api/whatsapp')
export class WhatsAppTemplatesController {
  constructor(private readonly templates: WhatsAppTemplatesService) {}

  @Get('templates')
  @AnyRole()
  @ApiOperation({
    summary: 'Message templates of the workspace’s WhatsApp accounts, with status, category and parameters (for the template picker)',
  })
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.templates.list(principal.workspaceId) };
  }

  @Get('templates/:id')
  @AnyRole()
  @ApiOperation({ summary: 'One message template with its components' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.templates.get(principal.workspaceId, id);
  }

  @Post('numbers/:id/templates/sync')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Fetch the number’s account templates from WhatsApp and replace the registry with them' })
  sync(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.templates.sync(principal, principal.workspaceId, id);
  }
}
