import { compareContacts, type DuplicateSubject, nameSimilarity, normalizeName } from './duplicate-rules';

function subject(id: string, overrides: Partial<DuplicateSubject> = {}): DuplicateSubject {
  return { id, phoneE164: null, email: null, name: null, waId: null, bsuid: null, formerIdentities: [], purchases: [], ...overrides };
}

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);

describe('duplicate rules', () => {
  it('reads names without case, accents or punctuation', () => {
    expect(normalizeName('  Élodie   DUPONT-Martin ')).toBe('elodie dupont martin');
    expect(nameSimilarity('Giulia Rossi', 'giulia rossi')).toBe(1);
    expect(nameSimilarity('Giulia Rossi', 'Giulia Rosi')).toBeCloseTo(1 - 1 / 12);
    expect(nameSimilarity(null, 'x')).toBe(0);
  });

  it('matches the same E.164 number or email, with the smaller id first', () => {
    const pair = compareContacts(subject('b', { phoneE164: '+393331234567' }), subject('a', { phoneE164: '+393331234567' }));
    expect(pair).toMatchObject({ aId: 'a', bId: 'b', reasons: [{ kind: 'same_phone', value: '+393331234567' }], score: 0.95 });
    expect(pair?.exactIdentity).toBe(false);
    expect(compareContacts(subject('a', { email: 'Ana@Example.com' }), subject('b', { email: 'ana@example.com ' }))?.reasons).toEqual([
      { kind: 'same_email', value: 'ana@example.com' },
    ]);
  });

  it('matches a similar name only together with the same SKU bought within 90 days', () => {
    const a = subject('a', { name: 'Marco Bianchi', purchases: [{ sku: 'APL-IP15PM', at: day(0) }] });
    const near = subject('b', { name: 'Marco Bianchl', purchases: [{ sku: 'APL-IP15PM', at: day(89) }] });
    const far = subject('c', { name: 'Marco Bianchl', purchases: [{ sku: 'APL-IP15PM', at: day(91) }] });
    const otherSku = subject('d', { name: 'Marco Bianchi', purchases: [{ sku: 'SAM-S24', at: day(1) }] });
    const otherName = subject('e', { name: 'Maria Verdi', purchases: [{ sku: 'APL-IP15PM', at: day(1) }] });
    expect(compareContacts(a, near)?.reasons).toEqual([
      { kind: 'similar_name_same_sku', similarity: 0.923, sku: 'APL-IP15PM', daysApart: 89 },
    ]);
    expect(compareContacts(a, far)).toBeNull();
    expect(compareContacts(a, otherSku)).toBeNull();
    expect(compareContacts(a, otherName)).toBeNull();
  });

  it('says when the WhatsApp identity is the same (a former number or BSUID of the other)', () => {
    const pair = compareContacts(
      subject('a', { waId: '393331234567', phoneE164: '+393331234567' }),
      subject('b', { formerIdentities: ['393331234567'], phoneE164: '+393339999999' }),
    );
    expect(pair).toMatchObject({ exactIdentity: true, score: 1, reasons: [{ kind: 'same_whatsapp_identity', value: '393331234567' }] });
  });

  it('combines reasons into a higher score and finds nothing between strangers', () => {
    const both = compareContacts(
      subject('a', { phoneE164: '+391', email: 'x@y.it' }),
      subject('b', { phoneE164: '+391', email: 'x@y.it' }),
    );
    expect(both?.score).toBe(0.995);
    expect(compareContacts(subject('a', { name: 'Ann' }), subject('b', { name: 'Bob' }))).toBeNull();
  });
});
