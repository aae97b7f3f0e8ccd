/**
 * Country calling codes -> ISO country, for the cost report's per-country
 * prices. Only the countries Meta prices separately that Parley's markets
 * reach; any other number is priced with the table's '*' row. Longest prefix wins.
 */
export const CALLING_CODES: Readonly<Record<string, string>> = {
  '1': 'US',
  '7': 'RU',
  '20': 'EG',
  '27': 'ZA',
  '30': 'GR',
  '31': 'NL',
  '32': 'BE',
  '33': 'FR',
  '34': 'ES',
  '36': 'HU',
  '39': 'IT',
  '40': 'RO',
  '41': 'CH',
  '43': 'AT',
  '44': 'GB',
  '45': 'DK',
  '46': 'SE',
  '47': 'NO',
  '48': 'PL',
  '49': 'DE',
  '51': 'PE',
  '52': 'MX',
  '54': 'AR',
  '55': 'BR',
  '56': 'CL',
  '57': 'CO',
  '60': 'MY',
  '61': 'AU',
  '62': 'ID',
  '63': 'PH',
  '64': 'NZ',
  '65': 'SG',
  '66': 'TH',
  '81': 'JP',
  '82': 'KR',
  '86': 'CN',
  '90': 'TR',
  '91': 'IN',
  '92': 'PK',
  '234': 'NG',
  '254': 'KE',
  '351': 'PT',
  '353': 'IE',
  '358': 'FI',
  '380': 'UA',
  '420': 'CZ',
  '966': 'SA',
  '971': 'AE',
  '972': 'IL',
};

const PREFIXES = Object.keys(CALLING_CODES).sort((a, b) => b.length - a.length);

/** The country of a phone number (E.164 with or without '+', or a WhatsApp id); '' when unknown. */
export function countryOfPhone(phone: string | null): string {
  const digits = (phone ?? '').replace(/\D/g, '');
  const prefix = PREFIXES.find((p) => digits.startsWith(p));
  return prefix ? (CALLING_CODES[prefix] ?? '') : '';
}

/** The same mapping as a SQL expression over a text column of digits, for the rollup queries. */
export function countrySql(column: string): string {
  const cases = PREFIXES.map((p) => `WHEN ${column} LIKE '${p}%' THEN '${CALLING_CODES[p] ?? ''}'`).join(' ');
  return `(CASE ${cases} ELSE '' END)`;
}
