import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { BodyTooLarge, parseJsonText, readBody } from '../common/http-kit';
import { hubSpotError, validationError } from './hubspot-errors';

/** Reads a JSON body and validates it, answering like HubSpot does ("Invalid input JSON…", 400 naming the field). */
export async function hubSpotBody<T extends z.ZodType>(
  request: IncomingMessage,
  schema: T,
  holder: { body: unknown },
): Promise<z.output<T>> {
  let parsed: unknown;
  try {
    parsed = parseJsonText(await readBody(request));
  } catch (error) {
    if (error instanceof BodyTooLarge) throw hubSpotError(413, 'VALIDATION_ERROR', 'Request body too large');
    throw validationError(`Invalid input JSON on line 1: ${error instanceof Error ? error.message : 'malformed JSON'}`);
  }
  holder.body = parsed;
  const result = schema.safeParse(parsed ?? {});
  if (!result.success) {
    throw validationError(
      `Invalid input JSON: ${result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')}`,
      result.error.issues.map((issue) => ({ message: issue.message, in: issue.path.join('.') || 'body', code: 'INVALID_INPUT' })),
    );
  }
  return result.data;
}

/** `properties=a,b&properties=c` as HubSpot's GET endpoints take them. */
export function listParameter(url: URL, name: string): string[] | null {
  const values = url.searchParams.getAll(name);
  if (values.length === 0) return null;
  return values
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

export function booleanParameter(url: URL, name: string): boolean {
  return url.searchParams.get(name) === 'true';
}

/** A `limit` query parameter within HubSpot's bounds; 400 naming it otherwise. */
export function limitParameter(url: URL, fallback: number, max: number): number {
  const raw = url.searchParams.get('limit');
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw validationError(`limit: must be a whole number from 1 to ${max}, got "${raw}"`);
  }
  return Number(raw);
}
