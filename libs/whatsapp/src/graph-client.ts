import { z } from 'zod';
import { graphRequest, graphUrl, refusalOf } from './graph-request';

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

export type GraphSendResult =
  | { kind: 'accepted'; wamid: string; waId: string | null; messageStatus: string | null }
  /** Meta answered with an error envelope: the message was not accepted. */
  | { kind: 'rejected'; httpStatus: number; code: number; message: string; details: string | null; fbtraceId: string | null }
  /** The request never left (connection refused, DNS): safe to try again. */
  | { kind: 'not_sent'; reason: string }
  /** It may or may not have been accepted (timeout, reset, 5xx without envelope): reconcile, never resend blindly. */
  | { kind: 'unknown'; reason: string };

/** `POST /{version}/{phone_number_id}/messages` of the number. */
export function messagesUrl(target: GraphTarget): string {
  return graphUrl(target.baseUrl, target.apiVersion, target.phoneNumberId, 'messages');
}

/** `POST /{version}/{phone_number_id}/messages` with a Bearer token. */
export async function sendGraphMessage(target: GraphTarget, body: Record<string, unknown>): Promise<GraphSendResult> {
  const outcome = await graphRequest(messagesUrl(target), {
    method: 'POST',
    accessToken: target.accessToken,
    timeoutMs: target.timeoutMs,
    body,
  });
  if (outcome.kind !== 'answered') return outcome;
  if (!outcome.json) {
    return outcome.ok || outcome.httpStatus >= 500
      ? { kind: 'unknown', reason: `HTTP ${outcome.httpStatus} with a body that is not JSON` }
      : {
          kind: 'rejected',
          httpStatus: outcome.httpStatus,
          code: -1,
          message: `HTTP ${outcome.httpStatus}`,
          details: null,
          fbtraceId: null,
        };
  }
  if (outcome.ok) {
    const success = successSchema.safeParse(outcome.payload);
    const first = success.success ? success.data.messages[0] : undefined;
    if (!success.success || !first) return { kind: 'unknown', reason: 'HTTP 200 without a message id' };
    return {
      kind: 'accepted',
      wamid: first.id,
      waId: success.data.contacts?.[0]?.wa_id ?? null,
      messageStatus: first.message_status ?? null,
    };
  }
  return refusalOf(outcome);
}
