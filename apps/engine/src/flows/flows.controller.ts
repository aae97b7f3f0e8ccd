import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { FlowsService } from './flows.service';

const name = z.string().trim().min(1, 'the name is empty').max(200);
const description = z.string().max(2000);

const createFlowSchema = z.object({ name, description: description.optional(), definition: z.unknown().optional() });
const saveDraftSchema = z.object({
  revision: z.number().int().min(1),
  name: name.optional(),
  description: description.optional(),
  definition: z.unknown().optional(),
});
const publishSchema = z.object({ revision: z.number().int().min(1).optional() }).default({});
const unpublishSchema = z.object({ running: z.enum(['finish', 'cancel']).default('finish') }).default({ running: 'finish' });
const rollbackSchema = z.object({ version: z.number().int().min(1) });
const archiveSchema = z
  .object({ running: z.enum(['finish', 'cancel']).default('finish') })
  .strict()
  .default({ running: 'finish' });

@ApiTags('flows')
@Controller('api/flows')
export class FlowsController {
  constructor(private readonly flows: FlowsService) {}

  @Get()
  @AnyRole()
  @ApiOperation({ summary: 'Flows of the workspace' })
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.flows.list(principal.workspaceId) };
  }

  @Post()
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Create a flow; `definition` is a flow-core document (empty when omitted)' })
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodValidationPipe(createFlowSchema)) body: z.infer<typeof createFlowSchema>) {
    return this.flows.create(principal, body);
  }

  @Get(':id')
  @AnyRole()
  @ApiOperation({ summary: 'A flow with its draft document' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.flows.get(principal.workspaceId, id);
  }

  @Put(':id')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Save the draft; `revision` must be the one you edited (409 otherwise)' })
  save(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodValidationPipe(saveDraftSchema)) body: z.infer<typeof saveDraftSchema>,
  ) {
    return this.flows.saveDraft(principal, id, body);
  }

  @Post(':id/publish')
  @Roles('admin', 'marketer')
  @HttpCode(201)
  @ApiOperation({ summary: 'Validate the draft and publish it as a new immutable version (422 lists problems)' })
  publish(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodValidationPipe(publishSchema)) body: z.infer<typeof publishSchema>,
  ) {
    return this.flows.publish(principal, id, body.revision);
  }

  @Post(':id/unpublish')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop starting new executions; running ones finish ("finish") or are cancelled ("cancel")' })
  unpublish(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodValidationPipe(unpublishSchema)) body: z.infer<typeof unpublishSchema>,
  ) {
    return this.flows.unpublish(principal, id, body.running);
  }

  @Post(':id/rollback')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish an earlier version again and load it as the draft' })
  rollback(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodValidationPipe(rollbackSchema)) body: z.infer<typeof rollbackSchema>,
  ) {
    return this.flows.rollback(principal, id, body.version);
  }

  @Post(':id/archive')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Archive a flow: out of the list and unpublished (no new runs); runs in progress finish ("finish") or are cancelled ("cancel"); history kept',
  })
  archive(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body(new ZodValidationPipe(archiveSchema)) body: z.infer<typeof archiveSchema>,
  ) {
    return this.flows.archive(principal, id, body.running);
  }

  @Post(':id/restore')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Bring an archived flow back to the list as an unpublished draft' })
  restore(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.flows.restore(principal, id);
  }

  @Delete(':id')
  @Roles('admin', 'marketer')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a flow that was never published, tested or run (409 flow_has_history otherwise: archive it)' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.flows.remove(principal, id);
  }

  @Get(':id/versions')
  @AnyRole()
  @ApiOperation({ summary: 'Published versions, newest first' })
  async versions(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    return { data: await this.flows.versions(principal.workspaceId, id) };
  }

  @Get(':id/versions/:version')
  @AnyRole()
  @ApiOperation({ summary: 'One published version with its document' })
  version(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('version', new ParseIntPipe()) version: number,
  ) {
    return this.flows.version(principal.workspaceId, id, version);
  }
}
