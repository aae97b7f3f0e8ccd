import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body any simulated CRM accepts; bigger bodies get the CRM's 413. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** An answer other than the handler's normal one, in the CRM's own error shape. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }

  /** The same answer with more top-level fields in its (object) body. */
  withBody(extra: Record<string, unknown>): SimHttpError {
    const body = typeof this.body === 'object' && this.body !== null && !Array.isArray(this.body) ? { ...this.body, ...extra } : this.body;
    return new SimHttpError(this.status, body, this.headers);
  }
}

/** The simulated outage drops the connection instead of answering (what a client sees when a CRM is unreachable). */
export class DroppedConnection extends Error {}

export class BodyTooLarge extends Error {}

export async function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses JSON, or returns `undefined` for an empty body; throws `SyntaxError` on malformed JSON. */
export function parseJsonText(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  return JSON.parse(text);
}

/** Parameters of a form-encoded body merged over the query string, as OAuth token endpoints accept both. */
export function formParameters(raw: Buffer, url: URL): URLSearchParams {
  const merged = new URLSearchParams(url.searchParams);
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) merged.set(key, value);
  return merged;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json;charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}

export function sendEmpty(response: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...headers, 'content-length': '0' });
  response.end();
}

export function sendRedirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location, 'content-length': '0' });
  response.end();
}

/** Case-insensitive single header value. */
export function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Splits `Authorization: <scheme> <token>`; the scheme is compared case-insensitively by the callers. */
export function authorizationParts(request: IncomingMessage): { scheme: string; token: string } | null {
  const value = headerValue(request, 'authorization');
  if (value === undefined) return null;
  const match = /^(\S+)\s+(\S+)\s*$/.exec(value);
  if (!match?.[1] || !match[2]) return null;
  return { scheme: match[1], token: match[2] };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
