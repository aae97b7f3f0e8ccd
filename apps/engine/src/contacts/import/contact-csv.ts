import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { toE164 } from '../phone-number';

/** Where a CSV column goes. `field:<key>` is a custom field; `ignore` drops the column. */
export const importTargetSchema = z.union([
  z.enum(['phone', 'email', 'firstName', 'lastName', 'name', 'list', 'tags', 'marketingConsent', 'leadSource', 'ignore']),
  z.string().regex(/^field:[a-z][a-z0-9_]{0,49}$/),
]);
export type ImportTarget = z.infer<typeof importTargetSchema>;

/** One CSV row read through the mapping, or why it cannot be imported. */
export type ImportRow =
  | {
      ok: true;
      row: number;
      phone: string | null;
      email: string | null;
      firstName: string | null;
      lastName: string | null;
      list: string | null;
      tags: string[];
      marketingConsent: 'opted_in' | 'opted_out' | null;
      fields: Record<string, string>;
    }
  | { ok: false; row: number; reason: string };

export class CsvFormatError extends Error {}

/** The header and the records of a CSV text (RFC 4180: quotes, commas and newlines inside fields, a BOM). */
export function readCsv(text: string): { header: string[]; records: string[][] } {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new CsvFormatError(error instanceof Error ? error.message : String(error));
  }
  const [header, ...rest] = records;
  if (!header || header.length === 0) throw new CsvFormatError('The file has no header row');
  return { header, records: rest };
}

const EMAIL = z.email();
const CONSENT: Record<string, 'opted_in' | 'opted_out'> = {
  yes: 'opted_in',
  y: 'opted_in',
  true: 'opted_in',
  '1': 'opted_in',
  opted_in: 'opted_in',
  si: 'opted_in',
  sì: 'opted_in',
  no: 'opted_out',
  n: 'opted_out',
  false: 'opted_out',
  '0': 'opted_out',
  opted_out: 'opted_out',
};

/**
 * Reads one record through the mapping: numbers to E.164 (those without "+"
 * in `defaultCountry`), emails checked, tags split on ";" or "|". Pure; row
 * numbers count the header as row 1, as a spreadsheet shows them.
 */
export function mapRecord(
  record: readonly string[],
  header: readonly string[],
  mapping: Readonly<Record<string, ImportTarget>>,
  defaultCountry: string,
  rowNumber: number,
): ImportRow {
  const out: Extract<ImportRow, { ok: true }> = {
    ok: true,
    row: rowNumber,
    phone: null,
    email: null,
    firstName: null,
    lastName: null,
    list: null,
    tags: [],
    marketingConsent: null,
    fields: {},
  };
  for (let i = 0; i < header.length; i += 1) {
    const target = mapping[header[i] ?? ''] ?? 'ignore';
    const value = (record[i] ?? '').trim();
    if (value === '' || target === 'ignore') continue;
    if (value.includes('\u0000')) return { ok: false, row: rowNumber, reason: `${header[i]}: contains a NUL character` };
    switch (target) {
      case 'phone': {
        const e164 = toE164(value, defaultCountry);
        if (!e164) return { ok: false, row: rowNumber, reason: `${header[i]}: "${value}" is not a valid phone number` };
        out.phone = e164;
        break;
      }
      case 'email':
        if (!EMAIL.safeParse(value).success)
          return { ok: false, row: rowNumber, reason: `${header[i]}: "${value}" is not an email address` };
        out.email = value.toLowerCase();
        break;
      case 'firstName':
        out.firstName = value.slice(0, 100);
        break;
      case 'lastName':
        out.lastName = value.slice(0, 100);
        break;
      case 'name': {
        const [first, ...rest] = value.split(/\s+/);
        out.firstName = (first ?? '').slice(0, 100);
        out.lastName = rest.join(' ').slice(0, 100) || null;
        break;
      }
      case 'list':
        out.list = value.slice(0, 100);
        break;
      case 'tags':
        out.tags = value
          .split(/[;|]/)
          .map((t) => t.trim().slice(0, 100))
          .filter((t) => t !== '');
        break;
      case 'marketingConsent': {
        const consent = CONSENT[value.toLowerCase()];
        if (!consent) return { ok: false, row: rowNumber, reason: `${header[i]}: "${value}" is not yes or no` };
        out.marketingConsent = consent;
        break;
      }
      case 'leadSource':
        out.fields['lead_source'] = value.slice(0, 200);
        break;
      default:
        out.fields[target.slice('field:'.length)] = value.slice(0, 1000);
    }
  }
  if (out.phone === null && out.email === null) return { ok: false, row: rowNumber, reason: 'no phone number or email' };
  return out;
}
