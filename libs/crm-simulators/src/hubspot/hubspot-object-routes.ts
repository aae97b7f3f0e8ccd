import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { sendEmpty, sendJson } from '../common/http-kit';
import type { HubSpotCore } from './hubspot-core';
import { hubSpotError, notFound, validationError } from './hubspot-errors';
import { booleanParameter, hubSpotBody, limitParameter, listParameter } from './hubspot-http';
import { renderAssociations, renderProperty, renderRecord } from './hubspot-render';
import {
  defaultAssociationType,
  type HubSpotObjectType,
  OBJECT_TYPE_DEFINITIONS,
  objectTypeFromPath,
  type PropertyType,
} from './hubspot-schema';
import { checkSearch, runSearch, searchRequestSchema } from './hubspot-search';
import type { HubRecord, InputValue, PropertyValues } from './hubspot-store';

const inputValue = z.union([z.string().max(65_536), z.number(), z.boolean(), z.null()]);
const propertiesSchema = z.record(z.string().min(1).max(100), inputValue);
const associationInput = z.object({
  to: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
  types: z
    .array(
      z.object({
        associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
        associationTypeId: z.number().int().positive(),
      }),
    )
    .min(1)
    .max(10),
});
const createSchema = z.object({ properties: propertiesSchema, associations: z.array(associationInput).max(500).optional() });
const updateSchema = z.object({ properties: propertiesSchema });
const id = z.union([z.string().min(1).max(100), z.number()]).transform(String);
const batchReadSchema = z.object({
  properties: z.array(z.string()).max(500).default([]),
  idProperty: z.string().optional(),
  inputs: z.array(z.object({ id })).max(100, 'a batch holds at most 100 inputs'),
});
const batchCreateSchema = z.object({ inputs: z.array(createSchema).max(100, 'a batch holds at most 100 inputs') });
const batchUpdateSchema = z.object({
  inputs: z
    .array(z.object({ id, idProperty: z.string().optional(), properties: propertiesSchema }))
    .max(100, 'a batch holds at most 100 inputs'),
});
const batchUpsertSchema = z.object({
  inputs: z
    .array(z.object({ id, idProperty: z.string().min(1), properties: propertiesSchema }))
    .max(100, 'a batch holds at most 100 inputs'),
});
const batchArchiveSchema = z.object({ inputs: z.array(z.object({ id })).max(100, 'a batch holds at most 100 inputs') });
const propertyCreateSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,99}$/, 'lower case letters, digits and underscores, starting with a letter'),
  label: z.string().min(1).max(200),
  type: z.enum(['string', 'number', 'datetime', 'enumeration', 'bool']),
  fieldType: z.string().min(1).max(50),
  groupName: z.string().max(100).optional(),
  hasUniqueValue: z.boolean().optional(),
  options: z
    .array(z.object({ label: z.string(), value: z.string().min(1).max(100) }))
    .max(1000)
    .optional(),
});

export interface RouteContext {
  core: HubSpotCore;
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  path: string;
  holder: { body: unknown };
}

function typeOf(segment: string): HubSpotObjectType {
  const type = objectTypeFromPath(decodeURIComponent(segment));
  if (!type) throw hubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${segment}`);
  return type;
}

function now(context: RouteContext): string {
  return new Date(context.core.now()).toISOString();
}

function requireRecord(context: RouteContext, type: HubSpotObjectType, rawId: string, idProperty?: string): HubRecord {
  const record = context.core.store.findBy(type, idProperty, rawId);
  if (!record) throw notFound();
  return record;
}

interface PlannedLink {
  toType: HubSpotObjectType;
  toId: string;
  typeId: number;
}

/** Checks the associations of a create before anything is written, so a refused request stores nothing. */
function planAssociations(
  context: RouteContext,
  type: HubSpotObjectType,
  associations: z.output<typeof associationInput>[],
): PlannedLink[] {
  const { store } = context.core;
  return associations.flatMap((association) =>
    association.types.map((kind) => {
      const toType = (['contacts', 'deals', 'notes', 'communications', 'tasks'] as const).find(
        (candidate) => defaultAssociationType(type, candidate) === kind.associationTypeId,
      );
      if (!toType || kind.associationCategory !== 'HUBSPOT_DEFINED') {
        throw validationError(`${kind.associationCategory} ${kind.associationTypeId} is not a valid association type from ${type}`);
      }
      if (!store.get(toType, association.to.id))
        throw notFound(`No ${OBJECT_TYPE_DEFINITIONS[toType].singular} with ID ${association.to.id} exists`);
      return { toType, toId: association.to.id, typeId: kind.associationTypeId };
    }),
  );
}

function createLinked(context: RouteContext, type: HubSpotObjectType, values: PropertyValues, links: PlannedLink[]): HubRecord {
  const { store } = context.core;
  const record = store.create(type, values, 'api');
  for (const link of links) store.associate(type, record.id, link.toType, link.toId, link.typeId);
  return record;
}

async function handleObjects(context: RouteContext, type: HubSpotObjectType): Promise<void> {
  const { core, request, response, url } = context;
  const definitions = core.store.propertyDefinitions(type);
  if (request.method === 'GET') {
    const limit = limitParameter(url, 10, 100);
    const after = url.searchParams.get('after');
    if (after !== null && !/^\d{1,15}$/.test(after)) throw validationError(`after: must be a paging cursor, got "${after}"`);
    const archived = booleanParameter(url, 'archived');
    const properties = listParameter(url, 'properties');
    const rows = core.store.page(type, after === null ? null : Number(after), archived, limit + 1);
    const page = rows.slice(0, limit);
    const next = rows[limit];
    sendJson(response, 200, {
      results: page.map((record) => renderRecord(record, properties, definitions)),
      ...(next ? { paging: { next: { after: next.id, link: `${core.baseUrl}${url.pathname}?after=${next.id}` } } } : {}),
    });
    return;
  }
  if (request.method === 'POST') {
    const body = await hubSpotBody(request, createSchema, context.holder);
    const values = core.store.normalise(type, body.properties, 'create');
    const links = planAssociations(context, type, body.associations ?? []);
    const record = createLinked(context, type, values, links);
    sendJson(response, 201, renderRecord(record, Object.keys(body.properties), definitions));
    return;
  }
  throw hubSpotError(405, 'VALIDATION_ERROR', `HTTP ${request.method ?? ''} is not supported by this endpoint`);
}

async function handleOne(context: RouteContext, type: HubSpotObjectType, rawId: string): Promise<void> {
  const { core, request, response, url } = context;
  const definitions = core.store.propertyDefinitions(type);
  const idProperty = url.searchParams.get('idProperty') ?? undefined;
  if (idProperty !== undefined && !core.store.isUniqueProperty(type, idProperty)) {
    throw validationError(`${idProperty} is not a unique property of ${type}`);
  }
  if (request.method === 'GET') {
    const archived = booleanParameter(url, 'archived');
    const record = idProperty === undefined ? core.store.get(type, rawId, archived) : core.store.findBy(type, idProperty, rawId);
    if (!record || (record.archived && !archived)) throw notFound();
    const associations = listParameter(url, 'associations');
    const rendered = renderRecord(record, listParameter(url, 'properties'), definitions);
    const links = associations ? renderAssociations(core.store, record, associations) : null;
    sendJson(response, 200, links ? { ...rendered, associations: links } : rendered);
    return;
  }
  if (request.method === 'PATCH') {
    const body = await hubSpotBody(request, updateSchema, context.holder);
    const record = requireRecord(context, type, rawId, idProperty);
    const values = core.store.normalise(type, body.properties, 'update', 'properties', record.id);
    core.store.update(record, values, 'api');
    sendJson(response, 200, renderRecord(record, Object.keys(body.properties), definitions));
    return;
  }
  if (request.method === 'DELETE') {
    const record = core.store.get(type, rawId);
    if (record) core.store.archive(record, 'api');
    sendEmpty(response, 204);
    return;
  }
  throw hubSpotError(405, 'VALIDATION_ERROR', `HTTP ${request.method ?? ''} is not supported by this endpoint`);
}

async function handleSearch(context: RouteContext, type: HubSpotObjectType): Promise<void> {
  const { core, request, response } = context;
  const body = await hubSpotBody(request, searchRequestSchema, context.holder);
  const definitions = core.store.propertyDefinitions(type);
  const offset = checkSearch(body, definitions);
  const found = runSearch(body, core.store.searchable(type), definitions, OBJECT_TYPE_DEFINITIONS[type].queryProperties);
  const page = found.slice(offset, offset + body.limit);
  const nextOffset = offset + body.limit;
  sendJson(response, 200, {
    total: found.length,
    results: page.map((record) => renderRecord(record, body.properties ?? null, definitions)),
    ...(nextOffset < found.length && body.limit > 0 ? { paging: { next: { after: String(nextOffset) } } } : {}),
  });
}

function batchEnvelope(
  context: RouteContext,
  startedAt: string,
  results: unknown[],
  errors: Record<string, unknown>[] = [],
): Record<string, unknown> {
  return {
    status: 'COMPLETE',
    results,
    ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
    startedAt,
    completedAt: now(context),
  };
}

function missingError(type: HubSpotObjectType, ids: string[]): Record<string, unknown> {
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: `Could not get some ${OBJECT_TYPE_DEFINITIONS[type].singular.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
    context: { ids },
  };
}

async function handleBatch(context: RouteContext, type: HubSpotObjectType, action: string): Promise<void> {
  const { core, request, response } = context;
  const { store } = core;
  const definitions = store.propertyDefinitions(type);
  const startedAt = now(context);
  if (request.method !== 'POST')
    throw hubSpotError(405, 'VALIDATION_ERROR', `HTTP ${request.method ?? ''} is not supported by this endpoint`);
  switch (action) {
    case 'read': {
      const body = await hubSpotBody(request, batchReadSchema, context.holder);
      if (body.idProperty !== undefined && !store.isUniqueProperty(type, body.idProperty)) {
        throw validationError(`${body.idProperty} is not a unique property of ${type}`);
      }
      const found: HubRecord[] = [];
      const missing: string[] = [];
      for (const input of body.inputs) {
        const record = store.findBy(type, body.idProperty, input.id);
        if (record) found.push(record);
        else missing.push(input.id);
      }
      const requested = body.properties.length > 0 ? body.properties : null;
      const results = found.map((record) => renderRecord(record, requested, definitions));
      sendJson(
        response,
        missing.length > 0 ? 207 : 200,
        batchEnvelope(context, startedAt, results, missing.length > 0 ? [missingError(type, missing)] : []),
      );
      return;
    }
    case 'create': {
      const body = await hubSpotBody(request, batchCreateSchema, context.holder);
      const prepared = body.inputs.map((input, index) => store.normalise(type, input.properties, 'create', `inputs[${index}].properties`));
      if (type === 'contacts') assertNoDuplicateEmails(prepared.map((values) => values['email'] ?? null));
      const links = body.inputs.map((input) => planAssociations(context, type, input.associations ?? []));
      const records = prepared.map((values, index) => createLinked(context, type, values, links[index] ?? []));
      sendJson(
        response,
        201,
        batchEnvelope(
          context,
          startedAt,
          records.map((record, index) => renderRecord(record, Object.keys(body.inputs[index]?.properties ?? {}), definitions)),
        ),
      );
      return;
    }
    case 'update': {
      const body = await hubSpotBody(request, batchUpdateSchema, context.holder);
      const missing: string[] = [];
      const planned: { record: HubRecord; values: PropertyValues; requested: string[] }[] = [];
      body.inputs.forEach((input, index) => {
        const record = store.findBy(type, input.idProperty, input.id);
        if (!record) {
          missing.push(input.id);
          return;
        }
        planned.push({
          record,
          values: store.normalise(type, input.properties, 'update', `inputs[${index}].properties`, record.id),
          requested: Object.keys(input.properties),
        });
      });
      for (const item of planned) store.update(item.record, item.values, 'api');
      const results = planned.map((item) => renderRecord(item.record, item.requested, definitions));
      sendJson(
        response,
        missing.length > 0 ? 207 : 200,
        batchEnvelope(context, startedAt, results, missing.length > 0 ? [missingError(type, missing)] : []),
      );
      return;
    }
    case 'upsert': {
      const body = await hubSpotBody(request, batchUpsertSchema, context.holder);
      const plan = body.inputs.map((input, index) => {
        if (!store.isUniqueProperty(type, input.idProperty))
          throw validationError(`${input.idProperty} is not a unique property of ${type}`);
        const existing = store.findBy(type, input.idProperty, input.id);
        const withKey: Record<string, InputValue> =
          existing || input.idProperty === 'hs_object_id' ? input.properties : { ...input.properties, [input.idProperty]: input.id };
        if (!existing && input.idProperty === 'hs_object_id')
          throw notFound(`No ${OBJECT_TYPE_DEFINITIONS[type].singular} with ID ${input.id} exists`);
        const values = store.normalise(type, withKey, existing ? 'update' : 'create', `inputs[${index}].properties`, existing?.id ?? null);
        return { existing, values, requested: Object.keys(withKey) };
      });
      const results = plan.map((item) => {
        const record = item.existing ? store.update(item.existing, item.values, 'api') : store.create(type, item.values, 'api');
        return { ...renderRecord(record, item.requested, definitions), new: item.existing === null };
      });
      sendJson(response, 200, batchEnvelope(context, startedAt, results));
      return;
    }
    case 'archive': {
      const body = await hubSpotBody(request, batchArchiveSchema, context.holder);
      for (const input of body.inputs) {
        const record = store.get(type, input.id);
        if (record) store.archive(record, 'api');
      }
      sendEmpty(response, 204);
      return;
    }
    default:
      throw notFound(`Unknown batch action ${action}`);
  }
}

function assertNoDuplicateEmails(emails: (string | null)[]): void {
  const seen = new Set<string>();
  for (const email of emails) {
    if (!email) continue;
    const key = email.toLowerCase();
    if (seen.has(key)) throw hubSpotError(409, 'CONFLICT', `Duplicate email in the batch: ${email}`);
    seen.add(key);
  }
}

async function handleProperties(context: RouteContext, type: HubSpotObjectType, name: string | null): Promise<void> {
  const { core, request, response } = context;
  const definitions = core.store.propertyDefinitions(type);
  if (request.method === 'GET' && name === null) {
    sendJson(response, 200, {
      results: [...definitions.values()].map((property) => renderProperty(property, OBJECT_TYPE_DEFINITIONS[type].singular)),
    });
    return;
  }
  if (request.method === 'GET' && name !== null) {
    const property = definitions.get(name);
    if (!property) throw notFound(`Unable to find property ${name}`);
    sendJson(response, 200, renderProperty(property, OBJECT_TYPE_DEFINITIONS[type].singular));
    return;
  }
  if (request.method === 'POST' && name === null) {
    const body = await hubSpotBody(request, propertyCreateSchema, context.holder);
    if (definitions.has(body.name)) throw hubSpotError(409, 'OBJECT_ALREADY_EXISTS', `A property named '${body.name}' already exists.`);
    if (body.type === 'enumeration' && !body.options?.length) throw validationError('An enumeration property needs options');
    const type2: PropertyType = body.type;
    core.store.addProperty(type, {
      name: body.name,
      label: body.label,
      type: type2,
      fieldType: body.fieldType,
      ...(body.options ? { options: body.options.map((option) => option.value) } : {}),
      ...(body.hasUniqueValue ? { unique: true } : {}),
    });
    const created = definitions.get(body.name);
    sendJson(response, 201, created ? renderProperty(created, OBJECT_TYPE_DEFINITIONS[type].singular) : {});
    return;
  }
  throw hubSpotError(405, 'VALIDATION_ERROR', `HTTP ${request.method ?? ''} is not supported by this endpoint`);
}

function handlePipelines(context: RouteContext, pipelineId: string | null, stages: boolean): void {
  const { core, request, response } = context;
  if (request.method !== 'GET')
    throw hubSpotError(405, 'VALIDATION_ERROR', `HTTP ${request.method ?? ''} is not supported by this endpoint`);
  const stamp = '2024-01-01T00:00:00.000Z';
  const renderStage = (stage: (typeof core.store.pipelines)[number]['stages'][number]) => ({
    ...stage,
    createdAt: stamp,
    updatedAt: stamp,
    archived: false,
    writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
  });
  const renderPipeline = (pipeline: (typeof core.store.pipelines)[number]) => ({
    ...pipeline,
    stages: pipeline.stages.map(renderStage),
    createdAt: stamp,
    updatedAt: stamp,
    archived: false,
  });
  if (pipelineId === null) {
    sendJson(response, 200, { results: core.store.pipelines.map(renderPipeline) });
    return;
  }
  const pipeline = core.store.pipelines.find((candidate) => candidate.id === pipelineId);
  if (!pipeline) throw notFound(`Unable to find pipeline ${pipelineId}`);
  sendJson(response, 200, stages ? { results: pipeline.stages.map(renderStage) } : renderPipeline(pipeline));
}

/** The v3 CRM endpoints (objects, search, batch, properties, pipelines). Returns false for other paths. */
export async function objectRoute(context: RouteContext): Promise<boolean> {
  const { path } = context;
  let match = /^\/crm\/v3\/objects\/([^/]+)\/search$/.exec(path);
  if (match?.[1]) {
    if (context.request.method !== 'POST') throw hubSpotError(405, 'VALIDATION_ERROR', 'Search takes POST');
    await handleSearch(context, typeOf(match[1]));
    return true;
  }
  match = /^\/crm\/v3\/objects\/([^/]+)\/batch\/([a-z]+)$/.exec(path);
  if (match?.[1] && match[2]) {
    await handleBatch(context, typeOf(match[1]), match[2]);
    return true;
  }
  match = /^\/crm\/v3\/objects\/([^/]+)\/([^/]+)$/.exec(path);
  if (match?.[1] && match[2]) {
    await handleOne(context, typeOf(match[1]), decodeURIComponent(match[2]));
    return true;
  }
  match = /^\/crm\/v3\/objects\/([^/]+)$/.exec(path);
  if (match?.[1]) {
    await handleObjects(context, typeOf(match[1]));
    return true;
  }
  match = /^\/crm\/v3\/properties\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (match?.[1]) {
    await handleProperties(context, typeOf(match[1]), match[2] ? decodeURIComponent(match[2]) : null);
    return true;
  }
  match = /^\/crm\/v3\/pipelines\/([^/]+)(?:\/([^/]+)(\/stages)?)?$/.exec(path);
  if (match?.[1]) {
    if (typeOf(match[1]) !== 'deals') throw notFound('Only deal pipelines are simulated');
    handlePipelines(context, match[2] ? decodeURIComponent(match[2]) : null, match[3] !== undefined);
    return true;
  }
  return false;
}
