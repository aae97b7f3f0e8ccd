import { parseTemplate, type TemplateFilter } from '@parley/flow-core';
import { DateTime } from 'luxon';

export interface RenderOptions {
  locale: string;
  timeZone: string;
  now: Date;
}

export interface RenderResult {
  text: string;
  /** Variables that had no value (their fallback, or nothing, was used). */
  missing: string[];
}

/** Reads a dotted path from nested data. */
export function readPath(data: unknown, path: string): unknown {
  let current = data;
  for (const key of path.split('.')) {
    if (current === null || current === undefined) return undefined;
    if (Array.isArray(current) && /^\d+$/.test(key)) {
      current = current[Number(key)];
      continue;
    }
    if (typeof current !== 'object') return undefined;
    current = Object.entries(current).find(([k]) => k === key)?.[1];
  }
  return current;
}

function asDate(value: unknown): DateTime | null {
  if (value instanceof Date) return DateTime.fromJSDate(value);
  if (typeof value === 'string' || typeof value === 'number') {
    const parsed = typeof value === 'number' ? DateTime.fromMillis(value) : DateTime.fromISO(value);
    return parsed.isValid ? parsed : null;
  }
  return null;
}

function applyFilter(value: unknown, filter: TemplateFilter, options: RenderOptions, currency: string | null): string {
  const date = () => asDate(value)?.setZone(options.timeZone).setLocale(options.locale) ?? null;
  switch (filter) {
    case 'ago':
      return date()?.toRelative({ base: DateTime.fromJSDate(options.now), locale: options.locale }) ?? String(value);
    case 'date':
      return date()?.toLocaleString(DateTime.DATE_MED) ?? String(value);
    case 'datetime':
      return date()?.toLocaleString(DateTime.DATETIME_MED) ?? String(value);
    case 'time':
      return date()?.toLocaleString(DateTime.TIME_SIMPLE) ?? String(value);
    case 'money': {
      const amount = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(amount)) return String(value);
      return new Intl.NumberFormat(
        options.locale,
        currency ? { style: 'currency', currency } : { minimumFractionDigits: 2, maximumFractionDigits: 2 },
      ).format(amount);
    }
    case 'upper':
      return String(value).toLocaleUpperCase(options.locale);
    case 'lower':
      return String(value).toLocaleLowerCase(options.locale);
    case 'capitalize': {
      const text = String(value);
      return text.charAt(0).toLocaleUpperCase(options.locale) + text.slice(1);
    }
  }
}

function display(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(display).join(', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Fills `{{ path | filter | "fallback" }}` placeholders from `data`. Missing
 * values take the fallback (or become empty) and are reported, so the step
 * log can say which personalisation did not apply.
 */
export function renderTemplate(template: string, data: Record<string, unknown>, options: RenderOptions): RenderResult {
  const parsed = parseTemplate(template);
  if (!parsed.ok) throw new Error(`The message template does not parse: ${parsed.error}`);
  const missing: string[] = [];
  let text = '';
  for (const part of parsed.parts) {
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    const { path, filters, fallback } = part.variable;
    const value = readPath(data, path);
    if (isEmpty(value)) {
      missing.push(path);
      text += fallback ?? '';
      continue;
    }
    // A money value next to a currency field (crm.last_order.total + currency) formats with it.
    const siblingCurrency = readPath(data, path.replace(/[^.]+$/, 'currency'));
    const currency = typeof siblingCurrency === 'string' && /^[A-Z]{3}$/.test(siblingCurrency) ? siblingCurrency : null;
    text +=
      filters.length === 0
        ? display(value)
        : filters.reduce<unknown>((current, filter) => applyFilter(current, filter, options, currency), value);
  }
  return { text, missing };
}
