'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';
import {
  type Candidate,
  candidateSchema,
  candidatesSchema,
  conflictsSchema,
  describeReason,
  describeScan,
  latestScanSchema,
  mergedSchema,
  type ScanJob,
  scanJobSchema,
  undoneSchema,
} from '@/lib/contacts/contacts-api';
import { describeCappedBlocks } from '@/lib/contacts/describe-capped-blocks';
import styles from './contacts.module.css';

type Conflict = z.infer<typeof conflictsSchema>['conflicts'][number];

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Duplicate candidates, most certain first: why each pair matched, its score, and merge (choosing conflicting fields) or dismiss. */
export function DuplicateReview({ canScan }: { canScan: boolean }) {
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [open, setOpen] = useState<Candidate | null>(null);
  const [keptSide, setKeptSide] = useState<'a' | 'b'>('a');
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [choices, setChoices] = useState<Record<string, 'kept' | 'merged'>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [lastMerge, setLastMerge] = useState<{ id: string; keptId: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<ScanJob | null>(null);

  const reload = useCallback(async () => {
    const answer = await callEngine('/api/contact-duplicates?limit=100', candidatesSchema);
    if (answer.ok) setCandidates(answer.data.data);
    else setError(answer.message);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  // A scan runs in the background: its progress is read every second until it ends (also one started elsewhere or nightly).
  // A finished scan is shown too when it was bounded, so a person knows its list may lack pairs in those groups.
  useEffect(() => {
    void callEngine('/api/contact-duplicates/scans/latest', latestScanSchema).then((answer) => {
      const latest = answer.ok ? answer.data.job : null;
      if (latest && (latest.status === 'queued' || latest.status === 'running' || (latest.status === 'done' && latest.cappedBlocks > 0)))
        setJob(latest);
    });
  }, []);
  const active = job !== null && (job.status === 'queued' || job.status === 'running');
  const jobId = job?.id ?? null;
  const cappedText = job ? describeCappedBlocks(job.cappedBlocks, job.cappedExamples) : null;
  useEffect(() => {
    if (!active || !jobId) return;
    const timer = setInterval(() => {
      void callEngine(`/api/contact-duplicates/scans/${jobId}`, scanJobSchema).then((answer) => {
        if (!answer.ok) return;
        setJob(answer.data);
        if (answer.data.status === 'done') void reload();
      });
    }, 1000);
    return () => clearInterval(timer);
  }, [active, jobId, reload]);

  const kept = open ? (keptSide === 'a' ? open.a : open.b) : null;
  const merged = open ? (keptSide === 'a' ? open.b : open.a) : null;

  useEffect(() => {
    if (!kept || !merged) return;
    void callEngine(`/api/contact-merges/preview?keptId=${kept.id}&mergedId=${merged.id}`, conflictsSchema).then((answer) => {
      if (answer.ok) {
        setConflicts(answer.data.conflicts);
        setChoices(Object.fromEntries(answer.data.conflicts.map((c) => [c.field, c.defaultSide])));
      }
    });
  }, [kept, merged]);

  async function merge() {
    if (!open || !kept || !merged) return;
    const answer = await callEngine('/api/contact-merges', mergedSchema, {
      method: 'POST',
      body: JSON.stringify({ keptId: kept.id, mergedId: merged.id, candidateId: open.id, choices }),
    });
    if (!answer.ok) {
      setStatus(answer.message);
      return;
    }
    setStatus(
      `Merged ${merged.name ?? merged.phoneE164 ?? 'the contact'} into ${kept.name ?? kept.phoneE164 ?? 'the kept contact'}. You can undo this for 30 days.`,
    );
    setLastMerge({ id: answer.data.mergeId, keptId: kept.id });
    setOpen(null);
    await reload();
  }

  async function undo() {
    if (!lastMerge) return;
    const answer = await callEngine(`/api/contact-merges/${lastMerge.id}/undo`, undoneSchema, { method: 'POST', body: '{}' });
    setStatus(answer.ok ? 'Merge undone: both contacts are back as they were.' : answer.message);
    setLastMerge(null);
    await reload();
  }

  async function dismiss(candidate: Candidate) {
    const answer = await callEngine(`/api/contact-duplicates/${candidate.id}/dismiss`, candidateSchema, { method: 'POST', body: '{}' });
    setStatus(answer.ok ? 'Marked as different customers.' : answer.message);
    setOpen(null);
    await reload();
  }

  async function scan() {
    const answer = await callEngine('/api/contact-duplicates/scan', scanJobSchema, { method: 'POST', body: '{}' });
    if (answer.ok) {
      setJob(answer.data);
      return;
    }
    // One scan at a time: a scan already running is followed instead.
    const latest = answer.status === 409 ? await callEngine('/api/contact-duplicates/scans/latest', latestScanSchema) : null;
    if (latest?.ok && latest.data.job) setJob(latest.data.job);
    else setError(answer.message);
  }

  return (
    <div>
      <div style={{ display: 'flex', gap: '0.5rem', marginBottom: '0.75rem' }}>
        {canScan ? (
          <button className="button button-secondary" type="button" disabled={active} onClick={() => void scan()}>
            Scan now
          </button>
        ) : null}
      </div>
      {job ? (
        <div role="status" aria-label="Duplicate scan" className="notice" style={{ marginBottom: '0.75rem' }}>
          {describeScan(job)}{' '}
          {active ? <progress aria-label="Duplicate scan progress" max={job.stagesTotal} value={job.stagesDone} /> : null}
          {cappedText ? <p style={{ margin: '0.5rem 0 0' }}>{cappedText}</p> : null}
        </div>
      ) : null}
      {status ? (
        <div role="status" className="notice">
          {status}{' '}
          {lastMerge ? (
            <button className="button button-small button-secondary" type="button" onClick={() => void undo()}>
              Undo merge
            </button>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      ) : null}
      {candidates.length === 0 ? <p className={styles.muted}>No duplicates to review.</p> : null}
      <table className="table" aria-label="Duplicate candidates">
        <thead>
          <tr>
            <th>Score</th>
            <th>Contact</th>
            <th>Contact</th>
            <th>Why</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {candidates.map((c) => (
            <tr key={c.id}>
              <td className={styles.score}>{`${Math.round(c.score * 100)}%`}</td>
              <td>
                <Link href={`/contacts/${c.a.id}`}>{c.a.name ?? c.a.phoneE164 ?? c.a.email}</Link>
                <div className={styles.muted}>{[c.a.phoneE164, c.a.email].filter(Boolean).join(' · ')}</div>
              </td>
              <td>
                <Link href={`/contacts/${c.b.id}`}>{c.b.name ?? c.b.phoneE164 ?? c.b.email}</Link>
                <div className={styles.muted}>{[c.b.phoneE164, c.b.email].filter(Boolean).join(' · ')}</div>
              </td>
              <td>{c.reasons.map(describeReason).join('; ')}</td>
              <td>
                <button
                  className="button button-small button-secondary"
                  type="button"
                  aria-label={`Review ${c.a.name ?? c.a.id} and ${c.b.name ?? c.b.id}`}
                  onClick={() => {
                    setOpen(c);
                    // The contact changed last is kept by default.
                    setKeptSide(Date.parse(c.a.updatedAt) >= Date.parse(c.b.updatedAt) ? 'a' : 'b');
                  }}
                >
                  Review
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {open && kept && merged ? (
        <section className={styles.card} aria-labelledby="review" role="region" style={{ marginTop: '1rem' }}>
          <h2 id="review">Merge these contacts?</h2>
          <p>{open.reasons.map(describeReason).join('; ')}</p>
          <fieldset>
            <legend>Keep</legend>
            <label>
              <input type="radio" name="kept" checked={keptSide === 'a'} onChange={() => setKeptSide('a')} />
              {` ${open.a.name ?? open.a.phoneE164 ?? open.a.id}`}
            </label>{' '}
            <label>
              <input type="radio" name="kept" checked={keptSide === 'b'} onChange={() => setKeptSide('b')} />
              {` ${open.b.name ?? open.b.phoneE164 ?? open.b.id}`}
            </label>
          </fieldset>
          {conflicts.length > 0 ? (
            <table className="table" aria-label="Conflicting fields">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Kept contact</th>
                  <th>Merged contact</th>
                </tr>
              </thead>
              <tbody>
                {conflicts.map((c) => (
                  <tr key={c.field}>
                    <td>{c.field}</td>
                    {(['kept', 'merged'] as const).map((sideName) => (
                      <td key={sideName}>
                        <label>
                          <input
                            type="radio"
                            name={`choice-${c.field}`}
                            checked={choices[c.field] === sideName}
                            onChange={() => setChoices({ ...choices, [c.field]: sideName })}
                          />
                          {` ${show(sideName === 'kept' ? c.kept : c.merged)}`}
                        </label>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className={styles.muted}>No conflicting fields: everything of both is kept.</p>
          )}
          <p className={styles.muted}>
            Every conversation, message, order, execution and tag moves to the kept contact. You can undo for 30 days.
          </p>
          <div style={{ display: 'flex', gap: '0.5rem' }}>
            <button className="button button-primary" type="button" onClick={() => void merge()}>
              Merge
            </button>
            <button className="button button-secondary" type="button" onClick={() => void dismiss(open)}>
              Not the same customer
            </button>
            <button className="button button-secondary" type="button" onClick={() => setOpen(null)}>
              Cancel
            </button>
          </div>
        </section>
      ) : null}
    </div>
  );
}
