import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

function isCountryCode(value: string): value is CountryCode {
  return /^[A-Z]{2}$/.test(value);
}

/**
 * A phone number in E.164 (+393331234567), or null when it is not a valid
 * number. Numbers without "+" are read in `defaultCountry`; digits-only
 * WhatsApp ids (393331234567) are read as international.
 */
export function toE164(raw: string, defaultCountry = 'IT'): string | null {
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  const candidates =
    trimmed.startsWith('+') || trimmed.startsWith('00') ? [trimmed.replace(/^00/, '+')] : [trimmed, `+${trimmed.replace(/\D/g, '')}`];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, isCountryCode(defaultCountry) ? defaultCountry : undefined);
    if (parsed?.isValid()) return parsed.number;
  }
  return null;
}
