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
