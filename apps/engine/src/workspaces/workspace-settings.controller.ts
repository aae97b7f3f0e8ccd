import { Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { ZodBody, ZodResponse } from '../common/api-contract';
import { DEFAULT_INTENT_KEYWORDS, DEFAULT_INTENTS, INTENT_LANGUAGES } from './default-intents';
import { completeDocumentSchema, patchDocumentSchema } from './settings-request-schemas';
import { effectiveIntentKeywords, effectiveIntents, type WorkspaceSettings, workspaceSettingsSchema } from './workspace-settings';
import { WorkspaceSettingsService } from './workspace-settings.service';

const readOnly = {
  effectiveIntents: z.record(z.string(), z.array(z.string())).meta({ description: 'The defaults merged with `intents` (read only)' }),
  defaultIntents: z.array(z.string()).meta({ description: 'Intents known out of the box (read only)' }),
  defaultIntentKeywords: z
    .record(z.string(), z.array(z.string()))
    .meta({ description: 'The keywords of each intent known out of the box, before the workspace changed them (read only)' }),
  intentLanguages: z.array(z.enum(INTENT_LANGUAGES)).meta({ description: 'Languages intent keywords are kept in (read only)' }),
  defaultIntentKeywordsByLanguage: z
    .record(z.string(), z.partialRecord(z.enum(INTENT_LANGUAGES), z.array(z.string())))
    .meta({ description: 'The default keywords of each intent, by language (read only)' }),
  effectiveIntentKeywordsByLanguage: z
    .record(z.string(), z.partialRecord(z.enum(INTENT_LANGUAGES), z.array(z.string())))
    .meta({ description: 'The keywords in effect, by language: the defaults with the workspace’s own lists (read only)' }),
};

/** The settings with what they mean in effect. */
const settingsView = workspaceSettingsSchema.extend(readOnly);

/** PUT: the complete document; the read-only fields of GET may come back with it (ignored), so GET → edit → PUT works. */
const replaceSchema = completeDocumentSchema(workspaceSettingsSchema).extend({
  effectiveIntents: readOnly.effectiveIntents.optional(),
  defaultIntents: readOnly.defaultIntents.optional(),
  defaultIntentKeywords: readOnly.defaultIntentKeywords.optional(),
  intentLanguages: readOnly.intentLanguages.optional(),
  defaultIntentKeywordsByLanguage: readOnly.defaultIntentKeywordsByLanguage.optional(),
  effectiveIntentKeywordsByLanguage: readOnly.effectiveIntentKeywordsByLanguage.optional(),
});
const patchSchema = patchDocumentSchema(workspaceSettingsSchema);

function view(settings: WorkspaceSettings) {
  return {
    ...settings,
    effectiveIntents: effectiveIntents(settings),
    defaultIntents: Object.keys(DEFAULT_INTENTS),
    defaultIntentKeywords: DEFAULT_INTENTS,
    intentLanguages: [...INTENT_LANGUAGES],
    defaultIntentKeywordsByLanguage: DEFAULT_INTENT_KEYWORDS,
    effectiveIntentKeywordsByLanguage: effectiveIntentKeywords(settings),
  };
}

@ApiTags('workspace')
@Controller('api/workspace/settings')
export class WorkspaceSettingsController {
  constructor(private readonly settings: WorkspaceSettingsService) {}

  @Get()
  @AnyRole()
  @ApiOperation({
    summary: 'Workspace settings: time zone, takeover period, intents (with the defaults), HTTP allow list, retention, messaging policy',
  })
  @ZodResponse(settingsView)
  async get(@CurrentPrincipal() principal: Principal) {
    return view((await this.settings.get(principal.workspaceId)).settings);
  }

  @Patch()
  @Roles('admin')
  @ApiOperation({
    summary:
      'Change some settings: fields not named keep their values at every depth (objects and intent maps merge, lists and values replace); the audit log records each field changed, before and after',
  })
  @ZodResponse(settingsView)
  async patch(@CurrentPrincipal() principal: Principal, @ZodBody(patchSchema) body: z.infer<typeof patchSchema>) {
    return view((await this.settings.update(principal, body, 'merge')).settings);
  }

  @Put()
  @Roles('admin')
  @ApiOperation({
    summary: 'Replace all settings with a complete document (a missing field is a 400 naming it; use PATCH to change some)',
  })
  @ZodResponse(settingsView)
  async replace(@CurrentPrincipal() principal: Principal, @ZodBody(replaceSchema) body: z.infer<typeof replaceSchema>) {
    return view((await this.settings.update(principal, body, 'replace')).settings);
  }
}
