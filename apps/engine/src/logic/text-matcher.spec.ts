import { keywordMatcher, normalizeText } from './text-matcher';

describe('keywordMatcher', () => {
  const price = keywordMatcher(['price', 'how much', 'quanto costa', 'ile kosztuje', '多少钱', 'perché']);

  it.each([
    ['What is the PRICE?', true],
    ['how   much is it', true],
    ['Quanto costa il divano?', true],
    ['Ile kosztuje ta sofa?', true],
    ['这个多少钱？', true],
    ['Perche no?', true],
    ['priceless art', false],
    ['howmuch', false],
    ['hello', false],
  ])('%s -> %s', (text, expected) => {
    expect(price(text)).toBe(expected);
  });

  it('normalises accents, case and spaces', () => {
    expect(normalizeText('Dov’È   il PACCO')).toBe("dov'e il pacco");
  });

  it('matches nothing without keywords', () => {
    expect(keywordMatcher([])('anything')).toBe(false);
  });
});

describe('keywordMatcher answers as its pattern alone would', () => {
  // The matcher looks for each keyword's normalized text before it runs its pattern; the pattern alone, built the
  // same way, is the reference. Texts are drawn from pieces around the keywords' edges, accents, case and spacing.
  const keywords = ['price', 'how much', 'perché', '多少钱', 'ok!', "l'offerta"];
  const matcher = keywordMatcher(keywords);
  const reference = new RegExp(
    keywords
      .map((k) => normalizeText(k).trim())
      .map((k) => {
        const body = k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
        const start = /^[\p{L}\p{N}]/u.test(k) && !/^\p{Script=Han}/u.test(k) ? '(?<![\\p{L}\\p{N}])' : '';
        const end = /[\p{L}\p{N}]$/u.test(k) && !/\p{Script=Han}$/u.test(k) ? '(?![\\p{L}\\p{N}])' : '';
        return `${start}${body}${end}`;
      })
      .join('|'),
    'u',
  );
  const pieces = [
    'PRICE',
    'price',
    'prices',
    'xprice',
    'how',
    ' ',
    '\u00a0',
    '  ',
    'much',
    'Perché',
    'perche',
    '多少',
    '钱',
    'ok',
    '!',
    "l'",
    'L’',
    'offerta',
    'a',
    '1',
  ];

  it('on 2,000 random texts, the same text twice in a row and then another', () => {
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let matched = 0;
    for (let i = 0; i < 2000; i += 1) {
      const text = Array.from({ length: 1 + next(6) }, () => pieces[next(pieces.length)]).join('');
      const expected = reference.test(normalizeText(text));
      if (expected) matched += 1;
      expect([text, matcher(text)]).toEqual([text, expected]);
      expect([text, matcher(text)]).toEqual([text, expected]);
    }
    // Both answers occur often enough for the comparison to mean something.
    expect(matched).toBeGreaterThan(100);
    expect(matched).toBeLessThan(1900);
  });
});
