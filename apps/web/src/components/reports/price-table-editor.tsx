'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';
import styles from './reports.module.css';

const CATEGORIES = ['marketing', 'utility', 'authentication', 'service'] as const;

interface Row {
  country: string;
  category: string;
  price: string;
  currency: string;
}

/** The price per delivered message by country and Meta category, as the cost report uses it; admins edit it here. */
export function PriceTableEditor({
  prices,
  canEdit,
}: {
  prices: readonly { country: string; category: string; price: number; currency: string }[];
  canEdit: boolean;
}) {
  const router = useRouter();
  const [rows, setRows] = useState<Row[]>(prices.map((p) => ({ ...p, price: String(p.price) })));
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const update = (index: number, change: Partial<Row>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...change } : row)));

  async function save() {
    setSaving(true);
    setMessage(null);
    const answer = await callEngine('/api/reports/prices', z.unknown(), {
      method: 'PUT',
      body: JSON.stringify({
        prices: rows.map((r) => ({
          country: r.country.trim().toUpperCase(),
          category: r.category,
          price: Number(r.price),
          currency: r.currency.trim().toUpperCase(),
        })),
      }),
    });
    setSaving(false);
    if (answer.ok) {
      setMessage('Prices saved.');
      router.refresh();
    } else {
      setMessage(answer.message);
    }
  }

  return (
    <section className={`${styles.report} ${styles.noPrint}`} aria-labelledby="price-table-title">
      <h2 id="price-table-title">Price table</h2>
      <p className={styles.note}>Price of one delivered message per country (ISO code, * for any other) and Meta pricing category.</p>
      <table className={`table ${styles.table}`}>
        <thead>
          <tr>
            <th scope="col">Country</th>
            <th scope="col">Category</th>
            <th scope="col">Price</th>
            <th scope="col">Currency</th>
            {canEdit ? <th scope="col">Remove</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <td>
                <input
                  aria-label={`Country, row ${i + 1}`}
                  value={row.country}
                  disabled={!canEdit}
                  size={3}
                  onChange={(e) => update(i, { country: e.target.value })}
                />
              </td>
              <td>
                <select
                  aria-label={`Category, row ${i + 1}`}
                  value={row.category}
                  disabled={!canEdit}
                  onChange={(e) => update(i, { category: e.target.value })}
                >
                  {CATEGORIES.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  aria-label={`Price, row ${i + 1}`}
                  inputMode="decimal"
                  value={row.price}
                  disabled={!canEdit}
                  size={8}
                  onChange={(e) => update(i, { price: e.target.value })}
                />
              </td>
              <td>
                <input
                  aria-label={`Currency, row ${i + 1}`}
                  value={row.currency}
                  disabled={!canEdit}
                  size={4}
                  onChange={(e) => update(i, { currency: e.target.value })}
                />
              </td>
              {canEdit ? (
                <td>
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    onClick={() => setRows((current) => current.filter((_, j) => j !== i))}
                  >
                    Remove<span className="visually-hidden"> row {i + 1}</span>
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit ? (
        <div className={styles.tableActions}>
          <button
            type="button"
            className="button button-secondary"
            onClick={() =>
              setRows((current) => [
                ...current,
                { country: '*', category: 'marketing', price: '0', currency: current[0]?.currency ?? 'EUR' },
              ])
            }
          >
            Add a price
          </button>
          <button type="button" className="button button-primary" disabled={saving} onClick={() => void save()}>
            {saving ? 'Saving…' : 'Save prices'}
          </button>
        </div>
      ) : null}
      {message ? <p role="status">{message}</p> : null}
    </section>
  );
}
