import { z } from 'zod';
import { messagesUrl, type GraphTarget } from './graph-client';
import { graphRequest, refusalOf } from './graph-request';

export type MarkReadResult =
  { kind: 'ok' } | { kind: 'rejected'; code: number; message: string } | { kind: 'not_sent' | 'unknown'; reason: string };

const successSchema = z.looseObject({ success: z.literal(true) });

/**
 * Marks a customer's message (and the ones before it) as read, optionally
 * showing "typing…" until we reply or about 25 s pass. Meta only shows the
 * indicator for the latest inbound message.
 */
export async function markMessageRead(target: GraphTarget, wamid: string, options?: { typing?: boolean }): Promise<MarkReadResult> {
  const body: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: wamid,
    ...(options?.typing ? { typing_indicator: { type: 'text' } } : {}),
  };
  const outcome = await graphRequest(messagesUrl(target), {
    method: 'POST',
    accessToken: target.accessToken,
    timeoutMs: target.timeoutMs,
    body,
  });
  if (outcome.kind !== 'answered') return outcome;
  if (outcome.ok) {
    return successSchema.safeParse(outcome.payload).success
      ? { kind: 'ok' }
      : { kind: 'unknown', reason: `HTTP ${outcome.httpStatus} without "success": true` };
  }
  const refusal = refusalOf(outcome);
  return refusal.kind === 'rejected' ? { kind: 'rejected', code: refusal.code, message: refusal.message } : refusal;
}
