'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';
import {
  type ContactFilters,
  type ContactRow,
  contactName,
  contactPageSchema,
  EMPTY_FILTERS,
  filterQuery,
} from '@/lib/contacts/contacts-api';
import styles from './contacts.module.css';

const ROW_HEIGHT = 44;
const PAGE = 100;
const bulkResultSchema = z.object({ contacts: z.number(), changed: z.number() });

const CONSENT_LABEL: Record<string, string> = { unknown: '—', opted_in: 'Opted in', opted_out: 'Opted out' };

/**
 * The contacts list: filters on top, then only the rows in view are drawn
 * (hundreds of thousands of contacts scroll as smoothly as fifty), the next
 * page fetched by cursor as the end comes into view. Rows can be picked for
 * a bulk tag or list move; export takes the whole filtered list.
 */
export function ContactList({ canEdit }: { canEdit: boolean }) {
  const [filters, setFilters] = useState<ContactFilters>(EMPTY_FILTERS);
  const [applied, setApplied] = useState<ContactFilters>(EMPTY_FILTERS);
  const [rows, setRows] = useState<ContactRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkTag, setBulkTag] = useState('');
  const [bulkList, setBulkList] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const generation = useRef(0);

  const load = useCallback(async (current: ContactFilters, after: string | null) => {
    const mine = generation.current;
    setLoading(true);
    const params = filterQuery(current);
    params.set('limit', String(PAGE));
    if (after) params.set('cursor', after);
    const answer = await callEngine(`/api/contacts?${params.toString()}`, contactPageSchema);
    if (mine !== generation.current) return;
    setLoading(false);
    if (!answer.ok) {
      setError(answer.message);
      return;
    }
    setError(null);
    setRows((previous) => (after ? [...previous, ...answer.data.data] : answer.data.data));
    setCursor(answer.data.nextCursor);
  }, []);

  useEffect(() => {
    generation.current += 1;
    setRows([]);
    setCursor(null);
    setSelected(new Set());
    void load(applied, null);
  }, [applied, load]);

  const viewport = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => viewport.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (cursor && !loading && lastIndex >= rows.length - 20) void load(applied, cursor);
  }, [lastIndex, rows.length, cursor, loading, applied, load]);

  const set = (key: keyof ContactFilters) => (event: { target: { value: string } }) => {
    const next = { ...filters, [key]: event.target.value };
    setFilters(next);
    if (key !== 'search') setApplied(next);
  };

  async function bulk(action: { type: 'addTag'; tag: string } | { type: 'moveToList'; list: string }) {
    const answer = await callEngine('/api/contacts/bulk', bulkResultSchema, {
      method: 'POST',
      body: JSON.stringify({ ids: [...selected], action }),
    });
    if (!answer.ok) {
      setStatus(answer.message);
      return;
    }
    setStatus(`${answer.data.changed} of ${answer.data.contacts} contacts changed.`);
    generation.current += 1;
    setSelected(new Set());
    void load(applied, null);
  }

  const toggle = (id: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div>
      <form
        className={styles.toolbar}
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(filters);
        }}
      >
        <label>
          Search
          <input
            className={styles.search}
            type="search"
            value={filters.search}
            onChange={set('search')}
            placeholder="Name, number in any format, or email"
          />
        </label>
        <label>
          Tag
          <input value={filters.tag} onChange={(e) => setFilters({ ...filters, tag: e.target.value })} onBlur={() => setApplied(filters)} />
        </label>
        <label>
          List
          <input
            value={filters.list}
            onChange={(e) => setFilters({ ...filters, list: e.target.value })}
            onBlur={() => setApplied(filters)}
          />
        </label>
        <label>
          Marketing consent
          <select value={filters.consent} onChange={set('consent')}>
            <option value="">Any</option>
            <option value="opted_in">Opted in</option>
            <option value="opted_out">Opted out</option>
            <option value="unknown">Not asked</option>
          </select>
        </label>
        <label>
          Lead source
          <input
            value={filters.leadSource}
            onChange={(e) => setFilters({ ...filters, leadSource: e.target.value })}
            onBlur={() => setApplied(filters)}
          />
        </label>
        <label>
          Last interaction
          <select value={filters.lastInteraction} onChange={set('lastInteraction')}>
            <option value="">Any time</option>
            <option value="7d">Last 7 days</option>
            <option value="30d">Last 30 days</option>
            <option value="90d">Last 90 days</option>
            <option value="older_90d">Over 90 days ago</option>
            <option value="never">Never wrote</option>
          </select>
        </label>
        <label>
          CRM
          <select value={filters.crm} onChange={set('crm')}>
            <option value="">Any</option>
            <option value="linked">Linked to a CRM</option>
            <option value="unlinked">Not in a CRM</option>
            <option value="hubspot">HubSpot</option>
            <option value="zoho">Zoho CRM</option>
            <option value="salesforce">Salesforce</option>
          </select>
        </label>
        <button className="button button-secondary" type="submit">
          Search
        </button>
        <a className="button button-secondary" href={`/api/contact-export?${filterQuery(applied).toString()}`} download>
          Export CSV
        </a>
      </form>

      {canEdit && selected.size > 0 ? (
        <div className={styles.bulk} role="region" aria-label="Bulk actions">
          <strong>{selected.size} selected</strong>
          <input aria-label="Tag to add" placeholder="Tag" value={bulkTag} onChange={(e) => setBulkTag(e.target.value)} />
          <button
            className="button button-small button-secondary"
            disabled={!bulkTag.trim()}
            onClick={() => void bulk({ type: 'addTag', tag: bulkTag })}
          >
            Add tag
          </button>
          <input aria-label="List to move to" placeholder="List" value={bulkList} onChange={(e) => setBulkList(e.target.value)} />
          <button
            className="button button-small button-secondary"
            disabled={!bulkList.trim()}
            onClick={() => void bulk({ type: 'moveToList', list: bulkList })}
          >
            Add to list
          </button>
        </div>
      ) : null}
      {status ? (
        <p role="status" className={styles.muted}>
          {status}
        </p>
      ) : null}
      {error ? (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      ) : null}

      <div role="table" aria-label="Contacts" aria-rowcount={rows.length}>
        <div role="row" className={styles.header}>
          <span role="columnheader">
            <span className="visually-hidden">Select</span>
          </span>
          <span role="columnheader">Name</span>
          <span role="columnheader">Number</span>
          <span role="columnheader">Email</span>
          <span role="columnheader">Tags</span>
          <span role="columnheader">List</span>
          <span role="columnheader">Consent</span>
          <span role="columnheader">CRM</span>
        </div>
        <div ref={viewport} className={styles.viewport} role="rowgroup">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              const name = contactName(row);
              return (
                <div role="row" key={row.id} className={styles.row} style={{ top: item.start }} aria-rowindex={item.index + 1}>
                  <span role="cell">
                    {canEdit ? (
                      <input type="checkbox" aria-label={`Select ${name}`} checked={selected.has(row.id)} onChange={() => toggle(row.id)} />
                    ) : null}
                  </span>
                  <span role="cell" className={styles.cell}>
                    <Link href={`/contacts/${row.id}`}>{name}</Link>
                  </span>
                  <span role="cell" className={styles.cell}>
                    {row.phoneE164 ?? '—'}
                  </span>
                  <span role="cell" className={styles.cell}>
                    {row.email ?? '—'}
                  </span>
                  <span role="cell" className={styles.cell}>
                    {row.tags.map((tag) => (
                      <span key={tag} className={styles.tag}>
                        {tag}
                      </span>
                    ))}
                  </span>
                  <span role="cell" className={styles.cell}>
                    {row.list ?? '—'}
                  </span>
                  <span role="cell" className={styles.cell}>
                    {CONSENT_LABEL[row.consent.marketing]}
                  </span>
                  <span role="cell" className={styles.cell}>
                    {row.crmSystems.join(', ') || '—'}
                  </span>
                </div>
              );
            })}
          </div>
          {!loading && rows.length === 0 && !error ? (
            <p className={styles.muted} style={{ padding: '1rem' }}>
              No contacts match.
            </p>
          ) : null}
        </div>
      </div>
      <p className={styles.muted} aria-live="polite">
        {loading ? 'Loading…' : `${rows.length}${cursor ? '+' : ''} contacts shown`}
      </p>
    </div>
  );
}
