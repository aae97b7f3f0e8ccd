import { z } from 'zod';

/** What came back from one Graph API call, before the caller reads its body. */
export type GraphHttpOutcome =
  | { kind: 'answered'; httpStatus: number; ok: boolean; payload: unknown; json: boolean }
  /** The request never left (connection refused, DNS): safe to try again. */
  | { kind: 'not_sent'; reason: string }
  /** It may or may not have reached Meta (timeout, reset). */
  | { kind: 'unknown'; reason: string };

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function causeCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('cause' in error)) return null;
  const cause: unknown = error.cause;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') {
    return cause.code;
  }
  return null;
}

/** One HTTP call with a Bearer token and a deadline covering the answer's body too. */
export async function graphRequest(
  url: string,
  init: { method: 'GET' | 'POST'; accessToken: string; timeoutMs: number; body?: Record<string, unknown> },
): Promise<GraphHttpOutcome> {
  const signal = AbortSignal.timeout(init.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: {
        authorization: `Bearer ${init.accessToken}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal,
    });
  } catch (error) {
    const code = causeCode(error);
    if (code !== null && NOT_SENT_CODES.has(code)) return { kind: 'not_sent', reason: code };
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'request failed';
    return { kind: 'unknown', reason: code ? `${reason} (${code})` : reason };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { kind: 'unknown', reason: `HTTP ${response.status}, body lost: ${error instanceof Error ? error.message : 'read failed'}` };
  }
  try {
    const payload: unknown = JSON.parse(text);
    return { kind: 'answered', httpStatus: response.status, ok: response.ok, payload, json: true };
  } catch {
    return { kind: 'answered', httpStatus: response.status, ok: response.ok, payload: text, json: false };
  }
}

const errorEnvelopeSchema = z.object({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().int(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export interface GraphErrorDetails {
  code: number;
  message: string;
  details: string | null;
  fbtraceId: string | null;
}

/** Meta's error envelope (`{ error: { code, message, error_data.details, fbtrace_id } }`), if the payload is one. */
export function graphErrorOf(payload: unknown): GraphErrorDetails | null {
  const envelope = errorEnvelopeSchema.safeParse(payload);
  if (!envelope.success) return null;
  const { error } = envelope.data;
  return {
    code: error.code,
    message: error.message ?? `Graph error ${error.code}`,
    details: error.error_data?.details ?? null,
    fbtraceId: error.fbtrace_id ?? null,
  };
}

/**
 * How a call that failed at the HTTP level ends: a Graph error envelope is a
 * refusal; so is a 4xx without one (the request itself was wrong); a 5xx
 * without one may hide an accepted request, so it stays unknown.
 */
export function refusalOf(outcome: {
  httpStatus: number;
  payload: unknown;
}): ({ kind: 'rejected'; httpStatus: number } & GraphErrorDetails) | { kind: 'unknown'; reason: string } {
  const error = graphErrorOf(outcome.payload);
  if (error) return { kind: 'rejected', httpStatus: outcome.httpStatus, ...error };
  if (outcome.httpStatus >= 500) return { kind: 'unknown', reason: `HTTP ${outcome.httpStatus} without a Graph error envelope` };
  return {
    kind: 'rejected',
    httpStatus: outcome.httpStatus,
    code: -1,
    message: `HTTP ${outcome.httpStatus}`,
    details: null,
    fbtraceId: null,
  };
}

export function graphUrl(baseUrl: string, apiVersion: string, ...segments: string[]): string {
  const base = baseUrl.replace(/\/+$/, '');
  return [base, encodeURIComponent(apiVersion), ...segments.map((segment) => encodeURIComponent(segment))].join('/');
}
