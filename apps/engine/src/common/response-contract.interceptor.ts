import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import type { z } from 'zod';
import { RESPONSE_SCHEMA } from './api-contract';

/** A handler answered something its documented response schema does not describe. */
export class ResponseContractError extends Error {}

function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && 'safeParse' in value && typeof value.safeParse === 'function';
}

/**
 * Checks every answer against the response schema its route documents, as
 * the client receives it (JSON). Tests turn it on (`checkResponses`), so
 * every API call of every test also checks the OpenAPI document tells the
 * truth; production leaves it off and sends answers as they are.
 */
@Injectable()
export class ResponseContractInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const schema: unknown = this.reflector.get(RESPONSE_SCHEMA, context.getHandler());
    return next.handle().pipe(
      map((value: unknown) => {
        if (!isZodSchema(schema)) return value;
        const json: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          const where = `${context.getClass().name}.${context.getHandler().name}`;
          throw new ResponseContractError(
            `${where} answered outside its documented schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        }
        return value;
      }),
    );
  }
}
