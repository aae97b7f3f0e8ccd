import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { z } from 'zod';
import { SESSION_COOKIE } from '../auth/session-token';
import { type RouteContract, routeContract } from './api-contract';
import { INPUT_LIMITS } from './input-rules';
import { jsonSchemaOf } from './json-schema-of';

/** Security scheme names in the document. */
export const SECURITY = { session: 'session', bearer: 'bearer', apiKey: 'apiKey' } as const;

/** Every error answer of the API has this shape. */
export const apiErrorSchema = z.looseObject({
  statusCode: z.number().int(),
  error: z.string().optional(),
  message: z.union([z.string(), z.array(z.string())]),
  code: z.string().optional().meta({ description: 'A stable code for errors a client handles (e.g. invalid_input, invalid_flow)' }),
  issues: z
    .array(
      z.looseObject({
        path: z.string().optional(),
        field: z.string().optional(),
        in: z.enum(['body', 'query', 'path']).optional(),
        message: z.string(),
        limit: z.string().optional(),
      }),
    )
    .optional()
    .meta({ description: 'Every problem found, each naming its field' }),
  limit: z.string().optional().meta({ description: 'The limit a 413 broke' }),
});

const COMMON_ERRORS: Record<number, string> = {
  400: 'The input breaks the input rule or the schema; `issues` names each field',
  401: 'Not signed in (no or unknown session, or an unknown API key)',
  403: 'The signed-in role may not do this',
  404: 'No such resource in this workspace',
  413: 'The body is larger than API_MAX_BODY_BYTES',
};

const DESCRIPTION = `Parley's engine: flows, executions, contacts, users, WhatsApp numbers and settings.

**Authentication.** Sign in with \`POST /api/auth/login\` (email and password). The answer sets the
\`${SESSION_COOKIE}\` cookie (httpOnly) and also returns the session \`token\`; send either the cookie or
\`Authorization: Bearer <token>\` with every call. Shops and CRMs posting events use a workspace API key
(\`X-Api-Key: pk_...\`, made by an admin with \`POST /api/api-keys\`), which reaches only \`POST /api/crm/events\`.
This document is public; the calls need a session (or a key) with one of the roles each route names.

**Input rule.** Every JSON body, query string and route parameter is checked before anything else: no NUL
characters or lone UTF-16 surrogates in any text, JSON nested at most ${INPUT_LIMITS.maxDepth} levels, at most
${INPUT_LIMITS.maxKeys} keys per object, ${INPUT_LIMITS.maxArrayLength} items per array and
${INPUT_LIMITS.maxStringLength} characters per string; bodies up to API_MAX_BODY_BYTES (3 MiB by default, else 413).
A refused request answers 400 with \`issues\` naming each field (and \`limit\`, when a limit was broken) and
changes nothing.`;

type Json = Record<string, unknown>;

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOpenApiObject(value: unknown): value is OpenAPIObject {
  return isJson(value) && typeof value['openapi'] === 'string' && isJson(value['info']) && isJson(value['paths']);
}

function jsonContent(schema: Json): Json {
  return { 'application/json': { schema } };
}

function errorResponse(description: string): Json {
  return { description, content: jsonContent({ $ref: '#/components/schemas/ApiError' }) };
}

/** Replaces what Swagger reflected from the handler's parameters with what the contract declares. */
function applyContract(operation: Json, path: string, contract: RouteContract): void {
  const reflected = Array.isArray(operation['parameters']) ? operation['parameters'].filter(isJson) : [];
  const parameters: Json[] = reflected.filter((p) => {
    const name = String(p['name']);
    return !(p['in'] === 'path' && name in contract.params) && !(p['in'] === 'query' && contract.query !== undefined);
  });
  for (const [name, schema] of Object.entries(contract.params)) {
    parameters.push({ name, in: 'path', required: true, schema: jsonSchemaOf(schema, 'input') });
  }
  if (contract.query) {
    const query = jsonSchemaOf(contract.query, 'input');
    const required = Array.isArray(query['required']) ? query['required'] : [];
    const properties = isJson(query['properties']) ? query['properties'] : {};
    for (const [name, schema] of Object.entries(properties)) {
      const description = isJson(schema) && typeof schema['description'] === 'string' ? schema['description'] : undefined;
      parameters.push({ name, in: 'query', required: required.includes(name), schema, ...(description ? { description } : {}) });
    }
  }
  operation['parameters'] = parameters;
  if (contract.body) {
    const optional = contract.body.schema.safeParse(undefined).success;
    operation['requestBody'] = {
      required: !optional,
      ...(contract.body.description ? { description: contract.body.description } : {}),
      content: jsonContent(jsonSchemaOf(contract.body.schema, 'input')),
    };
  } else if (contract.rawBody) {
    operation['requestBody'] = {
      required: true,
      description: contract.rawBody.description,
      content: Object.fromEntries(contract.rawBody.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
    };
  } else {
    delete operation['requestBody'];
  }
  const responses: Json = {};
  if (contract.response) {
    const { status, schema, description, contentType } = contract.response;
    responses[String(status)] = schema
      ? { description, content: jsonContent(jsonSchemaOf(schema, 'output')) }
      : contentType
        ? { description, content: { [contentType]: { schema: { type: 'string' } } } }
        : { description };
  }
  const secured = Array.isArray(operation['security']) && operation['security'].length > 0;
  const errors: Record<number, string> = { 400: COMMON_ERRORS[400] ?? '' };
  if (secured) Object.assign(errors, { 401: COMMON_ERRORS[401], 403: COMMON_ERRORS[403] });
  if (path.includes('{')) errors[404] = COMMON_ERRORS[404] ?? '';
  if (contract.body || contract.rawBody) errors[413] = COMMON_ERRORS[413] ?? '';
  Object.assign(errors, contract.errors);
  for (const [status, description] of Object.entries(errors)) responses[status] = errorResponse(description);
  operation['responses'] = responses;
}

/**
 * The OpenAPI 3.1 document of every route: Swagger's module lists the
 * routes (paths, tags, summaries, security), and each route's contract
 * (`ZodBody`, `ZodQuery`, `ZodParam`, `ZodResponse`) supplies its
 * parameters, body and answers as JSON Schema generated by `z.toJSONSchema`
 * from the very schemas that validate them.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const base = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Parley engine API')
      .setDescription(DESCRIPTION)
      .setVersion('0.1.0')
      .setOpenAPIVersion('3.1.0')
      .addCookieAuth(
        SESSION_COOKIE,
        { type: 'apiKey', in: 'cookie', description: 'The session cookie set by POST /api/auth/login' },
        SECURITY.session,
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The `token` returned by POST /api/auth/login' }, SECURITY.bearer)
      .addApiKey(
        { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'A workspace API key (POST /api/crm/events only)' },
        SECURITY.apiKey,
      )
      .build(),
  );
  const document: unknown = JSON.parse(JSON.stringify(base));
  if (!isJson(document) || !isJson(document['paths'])) throw new Error('Swagger produced no paths');
  for (const [path, item] of Object.entries(document['paths'])) {
    if (!isJson(item)) continue;
    for (const operation of Object.values(item)) {
      if (!isJson(operation) || typeof operation['operationId'] !== 'string') continue;
      const contract = routeContract(operation['operationId']);
      if (contract) applyContract(operation, path, contract);
    }
  }
  const components = isJson(document['components']) ? document['components'] : {};
  document['components'] = { ...components, schemas: { ApiError: jsonSchemaOf(apiErrorSchema, 'output') } };
  if (!isOpenApiObject(document)) throw new Error('The OpenAPI document lost its shape');
  return document;
}
