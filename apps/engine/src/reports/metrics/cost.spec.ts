import { costLines } from './cost';
import { messageCounts } from './message-counts';

describe('costLines', () => {
  it('prices by country, then by the * row, and leaves unpriced lines visible', () => {
    const lines = costLines(
      [
        { category: 'marketing', country: 'IT', delivered: 100 },
        { category: 'marketing', country: 'PL', delivered: 10 },
        { category: 'utility', country: 'IT', delivered: 5 },
        { category: '', country: 'IT', delivered: 7 },
      ],
      [
        { country: 'IT', category: 'marketing', price: 0.0691, currency: 'EUR' },
        { country: '*', category: 'marketing', price: 0.05, currency: 'EUR' },
        { country: '*', category: 'service', price: 0, currency: 'EUR' },
      ],
    );
    expect(lines.map((l) => [l.category, l.country, l.unitPrice, l.cost])).toEqual([
      ['marketing', 'IT', 0.0691, 6.91],
      ['marketing', 'PL', 0.05, 0.5],
      ['utility', 'IT', null, 0],
      ['service', 'IT', 0, 0],
    ]);
  });
});

describe('messageCounts', () => {
  it('counts a read message as sent and delivered too, and failures apart', () => {
    expect(
      messageCounts([
        { status: 'accepted', count: 1, readSeconds: 0 },
        { status: 'sent', count: 2, readSeconds: 0 },
        { status: 'delivered', count: 3, readSeconds: 0 },
        { status: 'read', count: 4, readSeconds: 400 },
        { status: 'failed', count: 5, readSeconds: 0 },
      ]),
    ).toEqual({ sent: 10, delivered: 7, read: 4, failed: 5, readRate: 4 / 7, deliveryRate: 0.7, meanSecondsToRead: 100 });
  });
});
