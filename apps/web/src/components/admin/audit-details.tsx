import type { AuditEntry } from '@/lib/audit-view';
import { fieldChanges, stepChanges } from '@/lib/describe-audit-entry';
import styles from './admin.module.css';

function show(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Before/after of the changed fields, and the rest of the entry's details, folded. */
export function AuditDetails({ entry }: { entry: AuditEntry }) {
  const changes = fieldChanges(entry);
  const diff = entry.versionDiff;
  const steps = diff ? diff.sentences : stepChanges(entry);
  const rest = Object.entries(entry.details).filter(([key]) => key !== 'changes' && key !== 'steps' && key !== 'actorApiKey');
  const versionLink =
    entry.subjectType === 'flow' && entry.subjectId && typeof entry.details['version'] === 'number' ? (
      <a href={`/flows/${entry.subjectId}`}>Open the flow</a>
    ) : null;
  if (changes.length === 0 && rest.length === 0 && steps.length === 0) return versionLink ?? <span className={styles.muted}>—</span>;
  const summary =
    changes.length > 0
      ? `${changes.length} field${changes.length === 1 ? '' : 's'} changed`
      : diff
        ? diff.fromVersion === null
          ? `Version ${diff.toVersion}: first version`
          : `Changes from v${diff.fromVersion} to v${diff.toVersion}`
        : steps.length > 0
          ? `${steps.length} step change${steps.length === 1 ? '' : 's'}`
          : 'Details';
  return (
    <details>
      <summary>{summary}</summary>
      {steps.length > 0 ? (
        <ul className={styles.stepChanges} aria-label={diff ? 'Version changes' : 'Step changes'}>
          {steps.map((sentence, index) => (
            <li key={index}>{sentence}</li>
          ))}
        </ul>
      ) : diff ? (
        <p className={styles.muted}>No step changed (only positions or notes).</p>
      ) : null}
      {changes.length > 0 ? (
        <table className={styles.diff} aria-label="Changed fields">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.field}>
                <th scope="row">{change.field}</th>
                <td className={styles.before}>{show(change.before)}</td>
                <td className={styles.after}>{show(change.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {rest.length > 0 ? <pre className={styles.mono}>{JSON.stringify(Object.fromEntries(rest), null, 2)}</pre> : null}
      {versionLink}
    </details>
  );
}
