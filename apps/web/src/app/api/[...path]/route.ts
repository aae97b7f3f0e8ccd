import type { NextRequest } from 'next/server';
import { engineUrl } from '@/lib/engine-url';

// ENGINE_URL is read per request, so this must never be prerendered or cached.
export const dynamic = 'force-dynamic';

const TIMEOUT_MS = 30_000;

// x-forwarded-for lets the engine's per-client sign-in lockout see the browser's address, not ours.
const FORWARDED_REQUEST_HEADERS = [
  'cookie',
  'content-type',
  'authorization',
  'accept',
  'x-forwarded-for',
  // The audit trail records which browser made a change.
  'user-agent',
  'last-event-id',
  'idempotency-key',
] as const;

/**
 * Headers that describe one hop or the encoding of the upstream body. fetch()
 * has already decoded the body, so passing these on would corrupt the answer.
 */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-encoding',
  'content-length',
  'set-cookie',
]);

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

interface ProxyContext {
  params: Promise<{ path: string[] }>;
}

function targetUrl(segments: readonly string[], search: string): URL | null {
  // The router already resolves dot segments; refuse any left so no request can climb out of /api.
  if (segments.some((segment) => segment === '.' || segment === '..' || segment.length === 0)) return null;
  return new URL(`/api/${segments.map(encodeURIComponent).join('/')}${search}`, engineUrl());
}

function upstreamHeaders(request: NextRequest): Headers {
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}

function downstreamHeaders(upstream: Response): Headers {
  const headers = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name)) headers.set(name, value);
  });
  // Each cookie must stay its own header: joined with commas they no longer parse.
  for (const cookie of upstream.headers.getSetCookie()) headers.append('set-cookie', cookie);
  return headers;
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}

/** Forwards /api/* from the browser to the engine and its answer back, cookies included. */
async function forward(request: NextRequest, context: ProxyContext): Promise<Response> {
  const { path } = await context.params;
  const target = targetUrl(path, request.nextUrl.search);
  if (!target) return Response.json({ message: 'Not found.' }, { status: 404 });

  const method = request.method.toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? null : await request.arrayBuffer();

  // The deadline covers the engine's answer (its headers), not the body: the live event stream never ends.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException('The engine did not answer in time', 'TimeoutError')), TIMEOUT_MS);
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method,
      headers: upstreamHeaders(request),
      body: body && body.byteLength > 0 ? body : null,
      redirect: 'manual',
      cache: 'no-store',
      signal: AbortSignal.any([request.signal, deadline.signal]),
    });
  } catch (error) {
    if (isTimeout(error) || deadline.signal.aborted) {
      return Response.json({ message: 'The Parley engine did not answer in time.' }, { status: 504 });
    }
    return Response.json({ message: 'The Parley engine is not reachable.' }, { status: 502 });
  } finally {
    clearTimeout(timer);
  }

  return new Response(NULL_BODY_STATUSES.has(upstream.status) || method === 'HEAD' ? null : upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: downstreamHeaders(upstream),
  });
}

export const GET = forward;
export const POST = forward;
export const PUT = forward;
export const PATCH = forward;
export const DELETE = forward;
