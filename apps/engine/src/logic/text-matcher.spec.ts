import { keywordMatcher, keywordSetsMatcher, normalizeText } from './text-matcher';

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

describe("keywordSetsMatcher answers as each set's keywordMatcher would", () => {
  // Sets whose needles overlap: one a prefix of another ("sconto" / "sconto extra"), one inside another ("how" in
  // "how much" is not a keyword, but "much" is), shared needles across sets, a suffix ("price" / "best price"), Han.
  const sets: Record<string, string[]> = {
    discount: ['sconto', 'discount', 'coupon', 'rabatt'],
    bigdiscount: ['sconto extra', 'best price'],
    price: ['price', 'how much', 'quanto costa', '多少钱'],
    amount: ['much', 'ok!'],
    offer: ["l'offerta", 'coupon'],
    empty: [],
  };
  const all = keywordSetsMatcher(sets);
  const each = Object.entries(sets).map(([name, keywords]) => [name, keywordMatcher(keywords)] as const);
  const pieces = [
    'sconto',
    ' extra',
    'sconto extra',
    'best price',
    'SCONTO',
    'scontox',
    'discount',
    'coupon',
    'Rabatt',
    'best',
    ' ',
    '  ',
    'price',
    'prices',
    'how',
    'much',
    'quanto',
    'costa',
    '多少',
    '钱',
    'ok',
    '!',
    "l'",
    'L’',
    'offerta',
    'a',
    'x',
    '1',
  ];

  it('on 3,000 random texts', () => {
    let seed = 777;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      // The high bits: the low bits of this generator repeat with a short period.
      return Math.floor(seed / 65536) % n;
    };
    const seen = new Map<string, number>();
    for (let i = 0; i < 3000; i += 1) {
      const text = Array.from({ length: 1 + next(7) }, () => pieces[next(pieces.length)]).join(next(2) === 0 ? ' ' : '');
      const expected = each.filter(([, matches]) => matches(text)).map(([name]) => name);
      expect([text, all(text)]).toEqual([text, expected]);
      for (const name of expected) seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    // Every set but the empty one matched often enough, and none matched always, for the comparison to mean something.
    for (const name of ['discount', 'bigdiscount', 'price', 'amount', 'offer']) {
      expect([name, (seen.get(name) ?? 0) > 50 && (seen.get(name) ?? 0) < 2900]).toEqual([name, true]);
    }
    expect(seen.get('empty')).toBeUndefined();
  });

  it('finds several sets in one text, in the order of the sets', () => {
    expect(all('Quanto costa? Ho uno SCONTO extra e un coupon')).toEqual(['discount', 'bigdiscount', 'price', 'offer']);
    expect(all('nothing here')).toEqual([]);
    expect(keywordSetsMatcher({})('anything')).toEqual([]);
  });
});
