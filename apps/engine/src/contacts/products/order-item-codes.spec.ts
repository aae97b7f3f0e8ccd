import { assignProductCodes, itemKeys } from './order-item-codes';
import { productNameKey } from './product-name-key';

describe('product names to codes', () => {
  it('ignores case, spaces, punctuation and accents', () => {
    expect(productNameKey('iPhone15 Pro Max')).toBe('iphone15promax');
    expect(productNameKey('IPHONE 15 pro-max')).toBe('iphone15promax');
    expect(productNameKey('Café  Crème')).toBe('cafecreme');
    expect(productNameKey('— ! —')).toBe('');
  });

  const catalogue = new Map([
    ['iphone15promax', 'APL-IP15PM'],
    ['aplip15pm', 'APL-IP15PM'],
    ['bluesofa', 'SOFA-BLUE'],
  ]);

  it('gives lines the code of the first text that matches, keeping a foreign sku', () => {
    const result = assignProductCodes(
      [{ name: 'iPhone15 Pro Max', qty: 1 }, { sku: 'shop-991', name: 'Blue sofa' }, { sku: 'APL-IP15PM' }, { sku: 'apl ip15pm' }],
      catalogue,
    );
    expect(result.items).toEqual([
      { name: 'iPhone15 Pro Max', qty: 1, sku: 'APL-IP15PM' },
      { sku: 'SOFA-BLUE', source_sku: 'shop-991', name: 'Blue sofa' },
      { sku: 'APL-IP15PM' },
      { sku: 'APL-IP15PM', source_sku: 'apl ip15pm' },
    ]);
    expect(result.unmatched).toEqual([]);
  });

  it('leaves unknown lines as they came and queues each name once (the name before a foreign sku)', () => {
    const result = assignProductCodes(
      [{ sku: 'X-1', name: 'Galaxy S24 Ultra' }, { title: 'galaxy s24 ultra' }, { sku: 'ZZ-9' }, { qty: 2 }, { name: '!!' }],
      catalogue,
    );
    expect(result.items).toEqual([
      { sku: 'X-1', name: 'Galaxy S24 Ultra' },
      { title: 'galaxy s24 ultra' },
      { sku: 'ZZ-9' },
      { qty: 2 },
      { name: '!!' },
    ]);
    expect(result.unmatched).toEqual([
      { key: 'galaxys24ultra', name: 'Galaxy S24 Ultra' },
      { key: 'zz9', name: 'ZZ-9' },
    ]);
  });

  it('lists every key a line could match by, once', () => {
    expect(itemKeys([{ sku: 'A-1', name: 'Blue Sofa' }, { name: 'blue sofa' }, { qty: 1 }])).toEqual(['a1', 'bluesofa']);
  });
});
