/**
 * Keyword matching that forgives case and accents ("Perché" matches
 * "perche") and respects word edges for alphabetic scripts ("cost" does not
 * match "costume"), while scripts without spaces (Chinese) match anywhere.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase().replace(/[’']/g, "'").replace(/\s+/g, ' ');
}

/**
 * The last text normalized for matching, kept: a text is matched against every intent of a workspace in a row
 * (triggers, the reports' intent counts), and normalizing it each time cost more than the matching.
 */
let lastText: string | null = null;
let lastNormalized = '';

function normalizedForMatching(text: string): string {
  if (text !== lastText) {
    lastNormalized = normalizeText(text);
    lastText = text;
  }
  return lastNormalized;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A predicate telling whether a text contains any of the keywords. */
export function keywordMatcher(keywords: readonly string[]): (text: string) => boolean {
  const needles = keywords.map((k) => normalizeText(k).trim()).filter((k) => k.length > 0);
  const alternatives = needles.map((k) => {
    const body = escapeRegex(k).replace(/ /g, '\\s+');
    // Word edges only where the keyword starts or ends with a letter or digit of a spaced script.
    const start = /^[\p{L}\p{N}]/u.test(k) && !/^\p{Script=Han}/u.test(k) ? '(?<![\\p{L}\\p{N}])' : '';
    const end = /[\p{L}\p{N}]$/u.test(k) && !/\p{Script=Han}$/u.test(k) ? '(?![\\p{L}\\p{N}])' : '';
    return `${start}${body}${end}`;
  });
  if (alternatives.length === 0) return () => false;
  const pattern = new RegExp(alternatives.join('|'), 'u');
  // A keyword can only match where its normalized text occurs (normalizing leaves single spaces, which is what
  // the pattern's \s+ then meets), so most texts are answered by a substring search without the Unicode pattern.
  return (text) => {
    const normalized = normalizedForMatching(text);
    return needles.some((needle) => normalized.includes(needle)) && pattern.test(normalized);
  };
}
