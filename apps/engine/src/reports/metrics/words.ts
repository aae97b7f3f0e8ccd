import { z } from 'zod';
// The package is one JSON document: language code -> stop words.
import stopwordsJson from 'stopwords-iso/stopwords-iso.json';

/** The languages whose stop words the words report removes. */
export const STOP_WORD_LANGUAGES = ['it', 'en', 'pl', 'es', 'de', 'fr'] as const;

const stopwords = z.record(z.string(), z.array(z.string())).parse(stopwordsJson);
const STOP_WORDS: ReadonlySet<string> = new Set(
  STOP_WORD_LANGUAGES.flatMap((language) => stopwords[language] ?? []).map((w) => w.toLowerCase()),
);

/** Letters (any script) and digits, with inner apostrophes and hyphens ("l'ordine" splits, "e-mail" stays). */
const WORD = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

/**
 * The words of a customer's message that the words report counts: lower
 * case, split on anything but letters and digits, without the stop words of
 * any of STOP_WORD_LANGUAGES (messages carry no reliable language, and a
 * word that is a stop word in one of the workspace's languages is noise in
 * all of them), without numbers and one-letter words. Each word counts once
 * per message.
 */
export function messageWords(text: string): string[] {
  const words = new Set<string>();
  for (const match of text.toLowerCase().normalize('NFC').matchAll(WORD)) {
    const word = match[0];
    if (word.length < 2 || /^\p{N}+$/u.test(word) || STOP_WORDS.has(word)) continue;
    words.add(word);
  }
  return [...words];
}

export interface TermCount {
  term: string;
  count: number;
}

export interface TermTrend extends TermCount {
  previous: number;
  /** This period's share of counted messages, 0..1. */
  share: number;
  /** Change in count vs the previous period, as a fraction; null when the word is new. */
  change: number | null;
}

/** Top terms of a period with their change vs the previous period, ties by term. */
export function termTrends(current: readonly TermCount[], previous: readonly TermCount[], messages: number, limit: number): TermTrend[] {
  const before = new Map(previous.map((t) => [t.term, t.count]));
  return [...current]
    .sort((a, b) => b.count - a.count || a.term.localeCompare(b.term))
    .slice(0, limit)
    .map((t) => {
      const prior = before.get(t.term) ?? 0;
      return { ...t, previous: prior, share: messages > 0 ? t.count / messages : 0, change: prior > 0 ? (t.count - prior) / prior : null };
    });
}
