import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { DEFAULT_INTENTS } from './default-intents';
import { effectiveIntents, workspaceSettingsSchema } from './workspace-settings';
import { WorkspaceSettingsService } from './workspace-settings.service';

@ApiTags('workspace')
@Controller('api/workspace/settings')
export class WorkspaceSettingsController {
  constructor(private readonly settings: WorkspaceSettingsService) {}

  @Get()
  @AnyRole()
  @ApiOperation({ summary: 'Workspace settings: time zone, takeover period, intents (with the defaults), HTTP allow list, retention' })
  async get(@CurrentPrincipal() principal: Principal) {
    const { settings } = await this.settings.get(principal.workspaceId);
    return { ...settings, effectiveIntents: effectiveIntents(settings), defaultIntents: Object.keys(DEFAULT_INTENTS) };
  }

  @Put()
  @Roles('admin')
  @ApiOperation({ summary: 'Change workspace settings (fields not given stay as they are)' })
  update(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(workspaceSettingsSchema.partial())) body: Partial<z.infer<typeof workspaceSettingsSchema>>,
  ) {
    return this.settings.update(principal, body);
  }
}
