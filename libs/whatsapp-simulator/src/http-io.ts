import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { graphError, type GraphErrorBody } from './graph-error';

const MAX_BODY_BYTES = 1024 * 1024;

/** The request is accepted by Meta (we record it) but the answer never comes back. */
export class StallError extends Error {}

/** An answer other than 200, with its body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: GraphErrorBody | Record<string, unknown>,
  ) {
    super(`HTTP ${status}`);
  }
}

export async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw new HttpError(413, graphError(100, 'Request too large', 'The request body is too large.'));
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, graphError(100, 'Invalid parameter', 'The request body is not valid JSON.'));
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Parses a control-API body, answering 400 with every problem on failure. */
export async function controlBody<T extends z.ZodType>(request: IncomingMessage, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse(parseJson(await readBody(request)));
  if (!parsed.success) {
    throw new HttpError(400, {
      error: { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), code: 400 },
    });
  }
  return parsed.data;
}

/** A control-API error in the simulator's own (non-Graph) shape. */
export function controlError(status: number, message: string): HttpError {
  return new HttpError(status, { error: { message, code: status } });
}
