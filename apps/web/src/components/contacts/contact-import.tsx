'use client';

import Link from 'next/link';
import { useState } from 'react';
import { callEngine } from '@/lib/editor/engine-client';
import { type ImportReport, importReportSchema } from '@/lib/contacts/contacts-api';
import styles from './contacts.module.css';

const TARGETS = [
  ['ignore', 'Ignore'],
  ['phone', 'Phone number'],
  ['email', 'Email'],
  ['name', 'Full name'],
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['list', 'List'],
  ['tags', 'Tags (separated by ;)'],
  ['marketingConsent', 'Marketing consent (yes/no)'],
  ['leadSource', 'Lead source'],
] as const;

/** A first guess at where each column goes, from its header. */
function guess(header: string): string {
  const h = header.toLowerCase();
  if (/phone|mobile|cell|tel|numero|whatsapp/.test(h)) return 'phone';
  if (/mail/.test(h)) return 'email';
  if (/first|nome$|^nome/.test(h)) return 'firstName';
  if (/last|surname|cognome/.test(h)) return 'lastName';
  if (/name/.test(h)) return 'name';
  if (/tag/.test(h)) return 'tags';
  if (/list/.test(h)) return 'list';
  if (/consent|opt/.test(h)) return 'marketingConsent';
  if (/source/.test(h)) return 'leadSource';
  return /^[a-z][a-z0-9_]{0,49}$/.test(h) ? `field:${h}` : 'ignore';
}

/** The first line of a CSV split into headers (quoted headers with commas are kept whole). */
function headersOf(csv: string): string[] {
  const line = csv.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  out.push(current.trim());
  return out.filter((h) => h !== '');
}

/** CSV import: pick the file, map each column, check the dry-run report, then import. */
export function ContactImport() {
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [country, setCountry] = useState('IT');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function choose(file: File | undefined) {
    if (!file) return;
    const text = await file.text();
    setCsv(text);
    setFileName(file.name);
    setReport(null);
    setMapping(Object.fromEntries(headersOf(text).map((h) => [h, guess(h)])));
  }

  async function run(dryRun: boolean) {
    setBusy(true);
    const answer = await callEngine('/api/contact-import', importReportSchema, {
      method: 'POST',
      body: JSON.stringify({ csv, mapping, defaultCountry: country, dryRun }),
    });
    setBusy(false);
    if (!answer.ok) {
      setError(answer.message);
      return;
    }
    setError(null);
    setReport(answer.data);
  }

  const headers = Object.keys(mapping);
  return (
    <div>
      <div className={styles.card}>
        <div className={styles.form}>
          <label>
            CSV file
            <input type="file" accept=".csv,text/csv" onChange={(e) => void choose(e.target.files?.[0])} />
          </label>
          <label>
            Country for numbers without +
            <input value={country} onChange={(e) => setCountry(e.target.value.toUpperCase())} maxLength={2} style={{ width: '4rem' }} />
          </label>
        </div>
      </div>
      {headers.length > 0 ? (
        <section className={styles.card} aria-labelledby="mapping">
          <h2 id="mapping">Columns of {fileName}</h2>
          <div className={styles.form}>
            {headers.map((header) => (
              <label key={header}>
                {header}
                <select
                  aria-label={`Column ${header}`}
                  value={mapping[header]}
                  onChange={(e) => setMapping({ ...mapping, [header]: e.target.value })}
                >
                  {TARGETS.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                  {/^[a-z][a-z0-9_]{0,49}$/.test(header.toLowerCase()) ? (
                    <option value={`field:${header.toLowerCase()}`}>{`Custom field ${header.toLowerCase()}`}</option>
                  ) : null}
                </select>
              </label>
            ))}
          </div>
          <div style={{ display: 'flex', gap: '0.5rem', marginTop: '0.75rem' }}>
            <button className="button button-secondary" type="button" disabled={busy} onClick={() => void run(true)}>
              Check (dry run)
            </button>
            <button className="button button-primary" type="button" disabled={busy || !report?.dryRun} onClick={() => void run(false)}>
              Import
            </button>
          </div>
        </section>
      ) : null}
      {error ? (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      ) : null}
      {report ? (
        <section className={styles.report} aria-labelledby="report" role="region">
          <h2 id="report">{report.dryRun ? 'Dry run: nothing was changed' : 'Imported'}</h2>
          <p>
            {`${report.rows} rows: ${report.created} ${report.dryRun ? 'to create' : 'created'}, ${report.updated} ${report.dryRun ? 'to update' : 'updated'}, ${report.unchanged} unchanged, ${report.skipped.length} skipped.`}
          </p>
          {report.skipped.length > 0 ? (
            <table className="table" aria-label="Skipped rows">
              <thead>
                <tr>
                  <th>Row</th>
                  <th>Why it was skipped</th>
                </tr>
              </thead>
              <tbody>
                {report.skipped.map((s) => (
                  <tr key={s.row}>
                    <td>{s.row}</td>
                    <td>{s.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {report.possibleDuplicates.length > 0 ? (
            <>
              <h3>Possible duplicates</h3>
              <ul>
                {report.possibleDuplicates.map((d) => (
                  <li key={d.row}>
                    {`Row ${d.row}: ${d.reason} `}
                    <Link href={`/contacts/${d.contactId}`}>see contact</Link>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {!report.dryRun ? <Link href="/contacts/duplicates">Review duplicates</Link> : null}
        </section>
      ) : null}
    </div>
  );
}
