import { CsvFormatError, mapRecord, readCsv } from './contact-csv';

describe('contact CSV', () => {
  const mapping = {
    Name: 'name',
    Phone: 'phone',
    Email: 'email',
    Tags: 'tags',
    Marketing: 'marketingConsent',
    City: 'field:city',
  } as const;

  it('reads quoted fields, a BOM and ragged rows', () => {
    const { header, records } = readCsv('\uFEFFName,Phone\n"Rossi, Giulia","333 123 4567"\nSolo\n');
    expect(header).toEqual(['Name', 'Phone']);
    expect(records).toEqual([['Rossi, Giulia', '333 123 4567'], ['Solo']]);
    expect(() => readCsv('')).toThrow(CsvFormatError);
  });

  it('normalises numbers in any format to E.164 with the default country', () => {
    const header = ['Name', 'Phone', 'Email', 'Tags', 'Marketing', 'City'];
    expect(mapRecord(['Giulia Rossi', '333 123 4567', 'G@Example.com', 'vip; lead', 'yes', 'Roma'], header, mapping, 'IT', 2)).toEqual({
      ok: true,
      row: 2,
      phone: '+393331234567',
      email: 'g@example.com',
      firstName: 'Giulia',
      lastName: 'Rossi',
      list: null,
      tags: ['vip', 'lead'],
      marketingConsent: 'opted_in',
      fields: { city: 'Roma' },
    });
    expect(mapRecord(['A', '+44 20 7946 0958'], header, mapping, 'IT', 3)).toMatchObject({ phone: '+442079460958' });
    expect(mapRecord(['A', '0039 333 1234567'], header, mapping, 'DE', 4)).toMatchObject({ phone: '+393331234567' });
  });

  it('skips a row with the reason', () => {
    const header = ['Name', 'Phone', 'Email', 'Tags', 'Marketing'];
    expect(mapRecord(['A', '12'], header, mapping, 'IT', 5)).toEqual({
      ok: false,
      row: 5,
      reason: 'Phone: "12" is not a valid phone number',
    });
    expect(mapRecord(['A', '', 'not-an-email'], header, mapping, 'IT', 6)).toMatchObject({
      ok: false,
      reason: 'Email: "not-an-email" is not an email address',
    });
    expect(mapRecord(['A'], header, mapping, 'IT', 7)).toEqual({ ok: false, row: 7, reason: 'no phone number or email' });
    expect(mapRecord(['A', '3331234567', '', '', 'maybe'], header, mapping, 'IT', 8)).toMatchObject({
      ok: false,
      reason: 'Marketing: "maybe" is not yes or no',
    });
  });
});
