/**
 * Keyword matching that forgives case and accents ("Perché" matches
 * "perche") and respects word edges for alphabetic scripts ("cost" does not
 * match "costume"), while scripts without spaces (Chinese) match anywhere.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase().replace(/[’']/g, "'").replace(/\s+/g, ' ');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A predicate telling whether a text contains any of the keywords. */
export function keywordMatcher(keywords: readonly string[]): (text: string) => boolean {
  const alternatives = keywords
    .map((k) => normalizeText(k).trim())
    .filter((k) => k.length > 0)
    .map((k) => {
      const body = escapeRegex(k).replace(/ /g, '\\s+');
      // Word edges only where the keyword starts or ends with a letter or digit of a spaced script.
      const start = /^[\p{L}\p{N}]/u.test(k) && !/^\p{Script=Han}/u.test(k) ? '(?<![\\p{L}\\p{N}])' : '';
      const end = /[\p{L}\p{N}]$/u.test(k) && !/\p{Script=Han}$/u.test(k) ? '(?![\\p{L}\\p{N}])' : '';
      return `${start}${body}${end}`;
    });
  if (alternatives.length === 0) return () => false;
  const pattern = new RegExp(alternatives.join('|'), 'u');
  return (text) => pattern.test(normalizeText(text));
}
