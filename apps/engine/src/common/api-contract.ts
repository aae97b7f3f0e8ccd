import { Body, Param, Query } from '@nestjs/common';
import type { z } from 'zod';
import { ZodValidationPipe } from './zod-validation.pipe';

/**
 * What a route takes and gives, as the zod schemas that validate it. The
 * OpenAPI document is generated from these (`buildOpenApiDocument`), so a
 * route's documentation and its validation are one declaration.
 */
export interface RouteContract {
  body?: { schema: z.ZodType; description?: string };
  /** A body that is not JSON (an uploaded file): its content types. */
  rawBody?: { contentTypes: string[]; description: string };
  query?: z.ZodObject;
  params: Record<string, z.ZodType>;
  response?: { status: number; schema: z.ZodType | null; description: string; contentType?: string };
  /** Statuses the route answers besides the ones every route may (400, 401, 403, 404, 413), with why. */
  errors: Record<number, string>;
}

/** Contracts by OpenAPI operation id (`Controller_method`, the id Nest's Swagger module gives each route). */
const contracts = new Map<string, RouteContract>();

/** The handler metadata key of a route's response schema (read by the response contract check). */
export const RESPONSE_SCHEMA = 'parley:responseSchema';

function contractOf(target: object, key: string | symbol | undefined): RouteContract {
  if (key === undefined) throw new Error('API contract decorators go on route handlers, not on constructors');
  const id = `${target.constructor.name}_${String(key)}`;
  const existing = contracts.get(id);
  if (existing) return existing;
  const created: RouteContract = { params: {}, errors: {} };
  contracts.set(id, created);
  return created;
}

/** The contract declared for an operation id, if any. */
export function routeContract(operationId: string): RouteContract | undefined {
  return contracts.get(operationId);
}

/** The JSON body, validated by `schema` (400 naming each bad field) and documented with it. */
export function ZodBody(schema: z.ZodType, description?: string): ParameterDecorator {
  const pipe = Body(new ZodValidationPipe(schema));
  return (target, key, index) => {
    contractOf(target, key).body = { schema, ...(description ? { description } : {}) };
    pipe(target, key, index);
  };
}

/** The query string as one object, validated by `schema`; each key is documented as a query parameter. */
export function ZodQuery(schema: z.ZodObject): ParameterDecorator {
  const pipe = Query(new ZodValidationPipe(schema));
  return (target, key, index) => {
    contractOf(target, key).query = schema;
    pipe(target, key, index);
  };
}

/**
 * Documents the JSON body of a route that must read it as raw bytes (a
 * signature is computed on them) and validates it with `schema` itself.
 */
export function RawJsonBody(schema: z.ZodType, description: string): MethodDecorator {
  return (target, key) => {
    contractOf(target, key).body = { schema, description };
  };
}

/** One route parameter, validated by `schema` (400 naming the parameter) and documented with it. */
export function ZodParam(name: string, schema: z.ZodType): ParameterDecorator {
  const pipe = Param(name, new ZodValidationPipe(schema, name));
  return (target, key, index) => {
    contractOf(target, key).params[name] = schema;
    pipe(target, key, index);
  };
}

type Handler<T> = (...args: never[]) => T | Promise<T>;

/**
 * The route's successful answer: `status` with a JSON body described by
 * `schema`. The handler must return what the schema takes (checked by the
 * compiler), and tests check every answer against it at run time.
 */
export function ZodResponse<T extends z.ZodType>(
  schema: T,
  options: { status?: number; description?: string } = {},
): (target: object, key: string | symbol, descriptor: { value?: Handler<z.input<T>> }) => void {
  return (target, key, descriptor) => {
    contractOf(target, key).response = { status: options.status ?? 200, schema, description: options.description ?? 'OK' };
    if (descriptor.value) Reflect.defineMetadata(RESPONSE_SCHEMA, schema, descriptor.value);
  };
}

/** The route answers 204 with no body. */
export function NoContentResponse(description = 'Done; no content'): MethodDecorator {
  return (target, key) => {
    contractOf(target, key).response = { status: 204, schema: null, description };
  };
}

/** Statuses this route answers besides the common ones, each with when. */
export function ErrorResponses(errors: Record<number, string>): MethodDecorator {
  return (target, key) => {
    Object.assign(contractOf(target, key).errors, errors);
  };
}

/** The route answers with something other than JSON (an event stream, a file), described in words. */
export function NonJsonResponse(contentType: string, description: string): MethodDecorator {
  return (target, key) => {
    contractOf(target, key).response = { status: 200, schema: null, description, contentType };
  };
}

/** The route reads its body as raw bytes of these content types (an upload), not as JSON. */
export function RawBody(contentTypes: string[], description: string): MethodDecorator {
  return (target, key) => {
    contractOf(target, key).rawBody = { contentTypes, description };
  };
}
