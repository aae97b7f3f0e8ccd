import type { AuditEntryView } from './audit-trail.service';

export const AUDIT_CSV_HEADER = [
  'time_utc',
  'actor_name',
  'actor_email',
  'action',
  'subject_type',
  'subject_id',
  'subject',
  'ip',
  'user_agent',
  'details',
  'hash',
];

/**
 * One CSV field (RFC 4180 quoting). A value a spreadsheet would run as a
 * formula (=, +, -, @, tab, CR first) is prefixed with a quote so opening the
 * export never executes what someone typed into a flow name.
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsvLine(entry: AuditEntryView): string {
  return [
    entry.createdAt,
    entry.actor?.name ?? (entry.actorApiKey ? `API key ${entry.actorApiKey.name} (${entry.actorApiKey.prefix ?? 'no prefix'})` : null),
    entry.actor?.email ?? null,
    entry.action,
    entry.subjectType,
    entry.subjectId,
    entry.subjectLabel,
    entry.ip,
    entry.userAgent,
    JSON.stringify(entry.details),
    entry.hash,
  ]
    .map(csvField)
    .join(',');
}
