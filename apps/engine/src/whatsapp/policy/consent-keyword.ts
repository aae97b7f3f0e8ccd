import { normalizeText } from '../../logic/text-matcher';

/** The message with case, accents, punctuation and emoji stripped, for whole-message keyword matching. */
function bare(text: string): string {
  return normalizeText(text)
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether a customer's message is a STOP (opt out of marketing) or a
 * resubscribe keyword. The whole message must be the keyword ("STOP",
 * "Annulla!", "退订"), so "don't stop the offers" never unsubscribes anyone.
 */
export function consentKeyword(
  text: string | null,
  keywords: { stop: readonly string[]; start: readonly string[] },
): { action: 'stop' | 'start'; keyword: string } | null {
  if (text === null) return null;
  const message = bare(text);
  if (message === '' || message.length > 60) return null;
  const stop = keywords.stop.find((k) => bare(k) === message);
  if (stop) return { action: 'stop', keyword: stop };
  const start = keywords.start.find((k) => bare(k) === message);
  return start ? { action: 'start', keyword: start } : null;
}
