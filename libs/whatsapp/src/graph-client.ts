import { z } from 'zod';

/** Where and how to reach the Graph API for one business phone number. */
export interface GraphTarget {
  baseUrl: string;
  apiVersion: string;
  phoneNumberId: string;
  accessToken: string;
  timeoutMs: number;
}

const successSchema = z.looseObject({
  messaging_product: z.string().optional(),
  contacts: z.array(z.looseObject({ input: z.string().optional(), wa_id: z.string().optional() })).optional(),
  messages: z.array(z.looseObject({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

const errorEnvelopeSchema = z.object({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().int(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export type GraphSendResult =
  | { kind: 'accepted'; wamid: string; waId: string | null; messageStatus: string | null }
  /** Meta answered with an error envelope: the message was not accepted. */
  | { kind: 'rejected'; httpStatus: number; code: number; message: string; details: string | null; fbtraceId: string | null }
  /** The request never left (connection refused, DNS): safe to try again. */
  | { kind: 'not_sent'; reason: string }
  /** It may or may not have been accepted (timeout, reset, 5xx without envelope): reconcile, never resend blindly. */
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

function messagesUrl(target: GraphTarget): string {
  const base = target.baseUrl.replace(/\/+$/, '');
  return `${base}/${encodeURIComponent(target.apiVersion)}/${encodeURIComponent(target.phoneNumberId)}/messages`;
}

/** `POST /{version}/{phone_number_id}/messages` with a Bearer token. */
export async function sendGraphMessage(target: GraphTarget, body: Record<string, unknown>): Promise<GraphSendResult> {
  let response: Response;
  try {
    response = await fetch(messagesUrl(target), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.accessToken}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    const code = causeCode(error);
    if (code !== null && NOT_SENT_CODES.has(code)) return { kind: 'not_sent', reason: code };
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'request failed';
    return { kind: 'unknown', reason: code ? `${reason} (${code})` : reason };
  }
  let payload: unknown;
  try {
    payload = await response.json();
  } catch {
    return response.ok || response.status >= 500
      ? { kind: 'unknown', reason: `HTTP ${response.status} with a body that is not JSON` }
      : { kind: 'rejected', httpStatus: response.status, code: -1, message: `HTTP ${response.status}`, details: null, fbtraceId: null };
  }
  if (response.ok) {
    const success = successSchema.safeParse(payload);
    const first = success.success ? success.data.messages[0] : undefined;
    if (!success.success || !first) return { kind: 'unknown', reason: 'HTTP 200 without a message id' };
    return {
      kind: 'accepted',
      wamid: first.id,
      waId: success.data.contacts?.[0]?.wa_id ?? null,
      messageStatus: first.message_status ?? null,
    };
  }
  const envelope = errorEnvelopeSchema.safeParse(payload);
  if (!envelope.success) {
    return response.status >= 500
      ? { kind: 'unknown', reason: `HTTP ${response.status} without a Graph error envelope` }
      : { kind: 'rejected', httpStatus: response.status, code: -1, message: `HTTP ${response.status}`, details: null, fbtraceId: null };
  }
  const { error } = envelope.data;
  return {
    kind: 'rejected',
    httpStatus: response.status,
    code: error.code,
    message: error.message ?? `Graph error ${error.code}`,
    details: error.error_data?.details ?? null,
    fbtraceId: error.fbtrace_id ?? null,
  };
}
