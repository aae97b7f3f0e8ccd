import type { IntentMatcher } from './intent-matcher';
import { normalizeText } from './text-matcher';

/** The narrowing of waits and behaviour counts: `{intent?, text_contains?, reply_id?, callback_key?}`. */
export interface EventFilter {
  intent: string | null;
  textContains: string | null;
  replyId: string | null;
  /** A send's idempotency key, echoed in its status webhooks (waits of sends whose outcome is unknown). */
  callbackKey: string | null;
}

export function readEventFilter(raw: unknown): EventFilter {
  const filter = typeof raw === 'object' && raw !== null ? Object.fromEntries(Object.entries(raw)) : {};
  const text = (key: string): string | null => (typeof filter[key] === 'string' && filter[key] !== '' ? String(filter[key]) : null);
  return { intent: text('intent'), textContains: text('text_contains'), replyId: text('reply_id'), callbackKey: text('callback_key') };
}

export function filterNeedsPayload(filter: EventFilter): boolean {
  return filter.intent !== null || filter.textContains !== null || filter.replyId !== null || filter.callbackKey !== null;
}

/** Whether an event's payload passes the filter (message text for intents and words, reply id for taps). */
export function eventPassesFilter(filter: EventFilter, payload: Readonly<Record<string, unknown>>, intents: IntentMatcher): boolean {
  const text = typeof payload['text'] === 'string' ? payload['text'] : '';
  if (filter.intent !== null && !intents.matches(text, filter.intent)) return false;
  if (filter.textContains !== null && !normalizeText(text).includes(normalizeText(filter.textContains))) return false;
  if (filter.replyId !== null && payload['replyId'] !== filter.replyId) return false;
  if (filter.callbackKey !== null && payload['callbackKey'] !== filter.callbackKey) return false;
  return true;
}
