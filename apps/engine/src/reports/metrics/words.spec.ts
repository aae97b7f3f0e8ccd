import { messageWords, termTrends } from './words';

describe('messageWords', () => {
  it('drops stop words of it/en/pl/es/de/fr, numbers and repeats', () => {
    expect(messageWords('Quanto costa il divano? What is the PRICE of the divano, 2 pezzi')).toEqual(['costa', 'divano', 'price', 'pezzi']);
    expect(messageWords('Ile kosztuje sofa? ¿Cuánto cuesta el sofá? Wie viel kostet das Sofa? Combien coûte le canapé ?')).toEqual([
      'kosztuje',
      'sofa',
      'cuesta',
      'sofá',
      'kostet',
      'coûte',
      'canapé',
    ]);
  });
});

describe('termTrends', () => {
  it('ranks by count and compares with the previous period', () => {
    expect(
      termTrends(
        [
          { term: 'sconto', count: 4 },
          { term: 'divano', count: 6 },
          { term: 'nuovo', count: 1 },
        ],
        [{ term: 'divano', count: 3 }],
        20,
        2,
      ),
    ).toEqual([
      { term: 'divano', count: 6, previous: 3, share: 0.3, change: 1 },
      { term: 'sconto', count: 4, previous: 0, share: 0.2, change: null },
    ]);
  });
});
