import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { BodyTooLarge, parseJsonText, readBody, SimHttpError } from './http-kit';

/** A control-API error, in the simulators' own shape (not the CRM's). */
export function controlError(status: number, message: string): SimHttpError {
  return new SimHttpError(status, { error: { message, status } });
}

/** Reads and validates a control-API body; 400 names every field that is wrong. */
export async function controlBody<T extends z.ZodType>(request: IncomingMessage, schema: T): Promise<z.output<T>> {
  let parsed: unknown;
  try {
    parsed = parseJsonText(await readBody(request));
  } catch (error) {
    if (error instanceof BodyTooLarge) throw controlError(413, 'The request body is too large.');
    throw controlError(400, 'The request body is not valid JSON.');
  }
  const result = schema.safeParse(parsed ?? {});
  if (!result.success) {
    throw controlError(400, result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  }
  return result.data;
}

/** Reads an optional non-negative integer query parameter; 400 naming it when malformed. */
export function queryInt(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw controlError(400, `${name}: must be a non-negative whole number`);
  return Number(raw);
}
