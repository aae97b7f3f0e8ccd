import type { IntentMatcher } from './intent-matcher';
import { normalizeText } from './text-matcher';

/** The narrowing of waits and behaviour counts: `{intent?, text_contains?, reply_id?}`. */
export interface EventFilter {
  intent: string | null;
  textContains: string | null;
  replyId: string | null;
}

export function readEventFilter(raw: unknown): EventFilter {
  const filter = typeof raw === 'object' && raw !== null ? Object.fromEntries(Object.entries(raw)) : {};
  const text = (key: string): string | null => (typeof filter[key] === 'string' && filter[key] !== '' ? String(filter[key]) : null);
  return { intent: text('intent'), textContains: text('text_contains'), replyId: text('reply_id') };
}

export function filterNeedsPayload(filter: EventFilter): boolean {
  return filter.intent !== null || filter.textContains !== null || filter.replyId !== null;
}

/** Whether an event's payload passes the filter (message text for intents and words, reply id for taps). */
export function eventPassesFilter(filter: EventFilter, payload: Readonly<Record<string, unknown>>, intents: IntentMatcher): boolean {
  const text = typeof payload['text'] === 'string' ? payload['text'] : '';
  if (filter.intent !== null && !intents.matches(text, filter.intent)) return false;
  if (filter.textContains !== null && !normalizeText(text).includes(normalizeText(filter.textContains))) return false;
  if (filter.replyId !== null && payload['replyId'] !== filter.replyId) return false;
  return true;
}
