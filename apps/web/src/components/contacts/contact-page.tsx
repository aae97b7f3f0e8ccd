'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { callEngine } from '@/lib/editor/engine-client';
import {
  type ContactDetail,
  contactDetailSchema,
  contactName,
  type Profile,
  profileSchema,
  timelineSchema,
  undoneSchema,
} from '@/lib/contacts/contacts-api';
import { ContactPrivacyActions } from './contact-privacy-actions';
import styles from './contacts.module.css';

type TimelineEntry = (typeof timelineSchema)['_output']['data'][number];

function when(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** One contact: identity, editable names, tags and fields, consent, orders, opportunities, tasks and the whole timeline. */
export function ContactPage({ id, canEdit, isAdmin = false }: { id: string; canEdit: boolean; isAdmin?: boolean }) {
  const [contact, setContact] = useState<ContactDetail | null>(null);
  const [profile, setProfile] = useState<Profile | null>(null);
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [newTag, setNewTag] = useState('');
  const [fieldKey, setFieldKey] = useState('');
  const [fieldValue, setFieldValue] = useState('');

  const reload = useCallback(async () => {
    const [c, p, t] = await Promise.all([
      callEngine(`/api/contacts/${id}`, contactDetailSchema),
      callEngine(`/api/contacts/${id}/profile`, profileSchema),
      callEngine(`/api/contacts/${id}/timeline?limit=100`, timelineSchema),
    ]);
    if (!c.ok || !p.ok || !t.ok) {
      setError((!c.ok && c.message) || (!p.ok && p.message) || (!t.ok && t.message) || 'Could not load the contact.');
      return;
    }
    setContact(c.data);
    setProfile(p.data);
    setTimeline(t.data.data);
  }, [id]);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function patch(body: Record<string, unknown>, done: string) {
    const answer = await callEngine(`/api/contacts/${id}`, contactDetailSchema, { method: 'PATCH', body: JSON.stringify(body) });
    setStatus(answer.ok ? done : answer.message);
    if (answer.ok) await reload();
  }

  async function undo(mergeId: string) {
    const answer = await callEngine(`/api/contact-merges/${mergeId}/undo`, undoneSchema, { method: 'POST', body: '{}' });
    setStatus(answer.ok ? 'Merge undone: both contacts are back as they were.' : answer.message);
    if (answer.ok) await reload();
  }

  if (error) {
    return (
      <div className="notice notice-error" role="alert">
        {error}
      </div>
    );
  }
  if (!contact || !profile) return <p className={styles.muted}>Loading…</p>;
  const name = contactName(contact);
  const conversation = profile.conversations[0];
  return (
    <div>
      <div className="page-header">
        <div>
          <h1>{name}</h1>
          <p className="page-subtitle">
            {profile.mergedIntoId ? (
              <>
                Merged into <Link href={`/contacts/${profile.mergedIntoId}`}>another contact</Link>.
              </>
            ) : (
              (contact.phoneE164 ?? contact.email ?? '')
            )}
          </p>
        </div>
        {conversation ? (
          <Link className="button button-secondary" href={`/inbox/${conversation.id}`}>
            Open conversation
          </Link>
        ) : null}
      </div>
      {status ? (
        <p role="status" className={styles.muted}>
          {status}
        </p>
      ) : null}
      <div className={styles.grid}>
        <div>
          <section className={styles.card} aria-labelledby="identity">
            <h2 id="identity">Identity</h2>
            <dl className={styles.facts}>
              <dt>Number</dt>
              <dd>{profile.identity.phoneE164 ?? '—'}</dd>
              <dt>WhatsApp id</dt>
              <dd>{profile.identity.waId ?? '—'}</dd>
              <dt>BSUID</dt>
              <dd>{profile.identity.bsuid ?? '—'}</dd>
              <dt>Email</dt>
              <dd>{profile.identity.email ?? '—'}</dd>
              <dt>CRM ids</dt>
              <dd>
                {profile.identity.crmIds.length === 0
                  ? 'Not in a CRM'
                  : profile.identity.crmIds.map((c) => (
                      <div key={`${c.system}:${c.externalId}`}>
                        {c.url ? <a href={c.url}>{`${c.system} ${c.externalId}`}</a> : `${c.system} ${c.externalId}`}
                      </div>
                    ))}
              </dd>
              {profile.identity.mergedContacts.length > 0 ? (
                <>
                  <dt>Also reached at</dt>
                  <dd>
                    {profile.identity.mergedContacts.map((m) => (
                      <div key={m.id}>{[m.phoneE164, m.email].filter(Boolean).join(' · ') || m.id}</div>
                    ))}
                  </dd>
                </>
              ) : null}
              {profile.identity.history.length > 0 ? (
                <>
                  <dt>Former</dt>
                  <dd>
                    {profile.identity.history.map((h) => (
                      <div key={`${h.kind}:${h.value}:${h.endedAt}`}>{`${h.kind} ${h.value} (${h.reason.replace(/_/g, ' ')})`}</div>
                    ))}
                  </dd>
                </>
              ) : null}
            </dl>
          </section>

          <section className={styles.card} aria-labelledby="details">
            <h2 id="details">Details</h2>
            <dl className={styles.facts}>
              <dt>Marketing</dt>
              <dd>{contact.consent.marketing.replace('_', ' ')}</dd>
              <dt>Notifications</dt>
              <dd>{contact.consent.transactional.replace('_', ' ')}</dd>
              <dt>List</dt>
              <dd>{contact.list ?? '—'}</dd>
              <dt>Tags</dt>
              <dd>
                {contact.tags.map((tag) => (
                  <span key={tag} className={styles.tag}>
                    {tag}
                    {canEdit ? (
                      <button
                        type="button"
                        aria-label={`Remove tag ${tag}`}
                        style={{ border: 0, background: 'none', cursor: 'pointer' }}
                        onClick={() => void patch({ removeTags: [tag] }, `Tag ${tag} removed.`)}
                      >
                        ×
                      </button>
                    ) : null}
                  </span>
                ))}
              </dd>
              {Object.entries(contact.fields).map(([key, value]) => (
                <div key={key} style={{ display: 'contents' }}>
                  <dt>{key}</dt>
                  <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
                </div>
              ))}
            </dl>
            {canEdit ? (
              <div className={styles.form} style={{ marginTop: '0.75rem' }}>
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (newTag.trim()) void patch({ addTags: [newTag.trim()] }, `Tag ${newTag.trim()} added.`).then(() => setNewTag(''));
                  }}
                  style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem' }}
                >
                  <input aria-label="New tag" placeholder="Tag" value={newTag} onChange={(e) => setNewTag(e.target.value)} />
                  <button className="button button-small button-secondary" type="submit">
                    Add tag
                  </button>
                </form>
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (fieldKey.trim()) void patch({ fields: { [fieldKey.trim()]: fieldValue } }, `Field ${fieldKey.trim()} saved.`);
                  }}
                  style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem' }}
                >
                  <input aria-label="Field name" placeholder="field_name" value={fieldKey} onChange={(e) => setFieldKey(e.target.value)} />
                  <input aria-label="Field value" placeholder="value" value={fieldValue} onChange={(e) => setFieldValue(e.target.value)} />
                  <button className="button button-small button-secondary" type="submit">
                    Save field
                  </button>
                </form>
              </div>
            ) : null}
          </section>

          <section className={styles.card} aria-labelledby="orders">
            <h2 id="orders">Orders and opportunities</h2>
            {profile.orders.length === 0 && profile.opportunities.length === 0 ? <p className={styles.muted}>None yet.</p> : null}
            <ul>
              {profile.orders.map((o) => (
                <li key={o.id}>{`Order ${o.externalId} · ${o.status} · ${o.total ?? ''} ${o.currency ?? ''} · ${when(o.placedAt)}`}</li>
              ))}
              {profile.opportunities.map((o) => (
                <li key={o.id}>{`Opportunity ${o.title} · ${o.stage}${o.amount ? ` · ${o.amount} ${o.currency ?? ''}` : ''}`}</li>
              ))}
            </ul>
          </section>

          <section className={styles.card} aria-labelledby="tasks">
            <h2 id="tasks">Open tasks</h2>
            {profile.openTasks.length === 0 ? <p className={styles.muted}>No open tasks.</p> : null}
            <ul>
              {profile.openTasks.map((t) => (
                <li key={t.id}>{`${t.title}${t.dueAt ? ` · due ${when(t.dueAt)}` : ''}`}</li>
              ))}
            </ul>
          </section>

          {profile.merges.length > 0 ? (
            <section className={styles.card} aria-labelledby="merges">
              <h2 id="merges">Merges</h2>
              <ul>
                {profile.merges.map((m) => (
                  <li key={m.id}>
                    {`${m.keptContactId === id ? 'Merged in' : 'Merged into another'} ${when(m.mergedAt)}${m.automatic ? ' (automatic)' : ''}`}
                    {m.undoneAt ? ' · undone' : null}
                    {!m.undoneAt && canEdit && new Date(m.undoUntil) > new Date() ? (
                      <>
                        {' '}
                        <button className="button button-small button-secondary" type="button" onClick={() => void undo(m.id)}>
                          Undo merge
                        </button>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          {isAdmin ? <ContactPrivacyActions contactId={id} onErased={reload} /> : null}
        </div>

        <section className={styles.card} aria-labelledby="timeline">
          <h2 id="timeline">Timeline</h2>
          {timeline.length === 0 ? <p className={styles.muted}>Nothing yet.</p> : null}
          <ol className={styles.timeline}>
            {timeline.map((entry) => (
              <li key={`${entry.kind}:${entry.id}`}>
                <span className={styles.muted}>{when(entry.at)}</span>
                <span className={styles.tag}>{entry.kind}</span>
                <span>
                  <strong>{entry.title}</strong>
                  {entry.detail ? <span className={styles.muted}>{` ${entry.detail}`}</span> : null}
                </span>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}
