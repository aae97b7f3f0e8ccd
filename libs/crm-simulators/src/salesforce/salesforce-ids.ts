const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character suffix that makes a 15-character Salesforce id case-insensitive (18 characters). */
export function idChecksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const char = id15[chunk * 5 + i] ?? '';
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET[bits] ?? 'A';
  }
  return suffix;
}

/** Builds an 18-character id from a key prefix and a counter. */
export function salesforceId(prefix: string, counter: number): string {
  const id15 = `${prefix}Sm${String(counter).padStart(10, '0')}`;
  return id15 + idChecksum(id15);
}

/** Accepts a 15- or 18-character id and returns the 18-character form, or null when it is not an id. */
export function normaliseId(raw: string): string | null {
  if (/^[a-zA-Z0-9]{18}$/.test(raw)) {
    const id15 = raw.slice(0, 15);
    return id15 + idChecksum(id15);
  }
  if (/^[a-zA-Z0-9]{15}$/.test(raw)) return raw + idChecksum(raw);
  return null;
}

/** Salesforce's datetime format: `2024-05-01T10:00:00.000+0000`. */
export function sfDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
