import { Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { flowDocumentSchema } from '@parley/flow-core';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { ErrorResponses, NoContentResponse, ZodBody, ZodParam, ZodResponse } from '../common/api-contract';
import { documentedAs } from '../common/json-schema-of';
import { idParam } from '../common/route-params';
import { FlowsService } from './flows.service';
import { flowSummaryViewSchema, flowVersionSummaryViewSchema, flowVersionViewSchema, flowViewSchema } from './flow-view';

const name = z.string().trim().min(1, 'the name is empty').max(200);
const description = z.string().max(2000);
/** Checked by flow-core (`parseFlowDocument`: older schema versions are migrated first, then the shape below is enforced). */
const definition = documentedAs(
  z
    .unknown()
    .meta({ description: 'A flow-core flow document; an older schemaVersion is migrated. A bad one is a 400 listing every issue.' }),
  flowDocumentSchema,
);

const createFlowSchema = z.object({ name, description: description.optional(), definition: definition.optional() });
const saveDraftSchema = z.object({
  revision: z.number().int().min(1),
  name: name.optional(),
  description: description.optional(),
  definition: definition.optional(),
});
const publishSchema = z.object({ revision: z.number().int().min(1).optional() }).default({});
const unpublishSchema = z.object({ running: z.enum(['finish', 'cancel']).default('finish') }).default({ running: 'finish' });
const rollbackSchema = z.object({ version: z.number().int().min(1) });
const versionParam = z.coerce.number().int().min(1).max(2_147_483_647);
const unpublishedViewSchema = flowViewSchema.extend({ cancelled: z.number().int().meta({ description: 'Runs cancelled' }) });
const archiveSchema = z
  .object({
    running: z
      .enum(['finish', 'cancel'])
      .default('finish')
      .meta({ description: 'Runs in progress: finish on their version (default) or be cancelled' }),
  })
  .strict()
  .default({ running: 'finish' });

@ApiTags('flows')
@Controller('api/flows')
export class FlowsController {
  constructor(private readonly flows: FlowsService) {}

  @Get()
  @AnyRole()
  @ApiOperation({ summary: 'Flows of the workspace' })
  @ZodResponse(z.object({ data: z.array(flowSummaryViewSchema) }))
  async list(@CurrentPrincipal() principal: Principal) {
    return { data: await this.flows.list(principal.workspaceId) };
  }

  @Post()
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Create a flow; `definition` is a flow-core document (empty when omitted)' })
  @ZodResponse(flowViewSchema, { status: 201, description: 'The new flow' })
  create(@CurrentPrincipal() principal: Principal, @ZodBody(createFlowSchema) body: z.infer<typeof createFlowSchema>) {
    return this.flows.create(principal, body);
  }

  @Get(':id')
  @AnyRole()
  @ApiOperation({ summary: 'A flow with its draft document' })
  @ZodResponse(flowViewSchema)
  get(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.flows.get(principal.workspaceId, id);
  }

  @Put(':id')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'Save the draft; `revision` must be the one you edited (409 otherwise)' })
  @ZodResponse(flowViewSchema)
  @ErrorResponses({ 409: 'The draft changed since `revision` (the answer has `currentRevision`)' })
  save(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(saveDraftSchema) body: z.infer<typeof saveDraftSchema>,
  ) {
    return this.flows.saveDraft(principal, id, body);
  }

  @Post(':id/publish')
  @Roles('admin', 'marketer')
  @HttpCode(201)
  @ApiOperation({ summary: 'Validate the draft and publish it as a new immutable version (422 lists problems)' })
  @ZodResponse(flowVersionViewSchema, { status: 201, description: 'The new version' })
  @ErrorResponses({ 409: 'The draft changed since `revision`', 422: 'The draft has problems; `issues` names each node and field' })
  publish(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(publishSchema) body: z.infer<typeof publishSchema>,
  ) {
    return this.flows.publish(principal, id, body.revision);
  }

  @Post(':id/unpublish')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop starting new executions; running ones finish ("finish") or are cancelled ("cancel")' })
  @ZodResponse(unpublishedViewSchema)
  unpublish(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(unpublishSchema) body: z.infer<typeof unpublishSchema>,
  ) {
    return this.flows.unpublish(principal, id, body.running);
  }

  @Post(':id/rollback')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish an earlier version again and load it as the draft' })
  @ZodResponse(flowVersionViewSchema)
  rollback(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(rollbackSchema) body: z.infer<typeof rollbackSchema>,
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
  @ZodResponse(unpublishedViewSchema)
  archive(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(archiveSchema) body: z.infer<typeof archiveSchema>,
  ) {
    return this.flows.archive(principal, id, body.running);
  }

  @Post(':id/restore')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Bring an archived flow back to the list as an unpublished draft' })
  @ZodResponse(flowViewSchema)
  restore(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.flows.restore(principal, id);
  }

  @Delete(':id')
  @Roles('admin', 'marketer')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a flow that was never published, tested or run' })
  @NoContentResponse('Deleted')
  @ErrorResponses({ 409: '`flow_has_history`: the flow was published, tested or run; archive it instead' })
  async remove(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string): Promise<void> {
    await this.flows.remove(principal, id);
  }

  @Get(':id/versions')
  @AnyRole()
  @ApiOperation({ summary: 'Published versions, newest first' })
  @ZodResponse(z.object({ data: z.array(flowVersionSummaryViewSchema) }))
  async versions(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return { data: await this.flows.versions(principal.workspaceId, id) };
  }

  @Get(':id/versions/:version')
  @AnyRole()
  @ApiOperation({ summary: 'One published version with its document' })
  @ZodResponse(flowVersionViewSchema)
  version(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodParam('version', versionParam) version: number,
  ) {
    return this.flows.version(principal.workspaceId, id, version);
  }
}
