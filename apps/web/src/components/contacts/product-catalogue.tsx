'use client';

import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { callEngine } from '@/lib/editor/engine-client';
import {
  mappedSchema,
  type Product,
  productSchema,
  productsSchema,
  splitAliases,
  type UnmappedName,
  unmappedNameSchema,
  unmappedNamesSchema,
} from '@/lib/contacts/products-api';
import styles from './contacts.module.css';

/**
 * The product catalogue (standard codes with the other ways people write
 * them) and the names from orders that matched no product, each with "Map to…".
 */
export function ProductCatalogue({ canEdit }: { canEdit: boolean }) {
  const [products, setProducts] = useState<Product[]>([]);
  const [unmapped, setUnmapped] = useState<UnmappedName[]>([]);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [editing, setEditing] = useState<Product | null>(null);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [aliases, setAliases] = useState('');
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const q = search.trim() === '' ? '' : `?q=${encodeURIComponent(search.trim())}`;
    const [list, queue] = await Promise.all([
      callEngine(`/api/products${q}`, productsSchema),
      callEngine('/api/unmapped-product-names', unmappedNamesSchema),
    ]);
    if (list.ok) setProducts(list.data.data);
    else setError(list.message);
    if (queue.ok) setUnmapped(queue.data.data);
  }, [search]);
  useEffect(() => {
    void reload();
  }, [reload]);

  function startEdit(product: Product | null) {
    setEditing(product);
    setCode(product?.code ?? '');
    setName(product?.name ?? '');
    setAliases(product?.aliases.join(', ') ?? '');
    setError(null);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const body = JSON.stringify({ code, name, aliases: splitAliases(aliases) });
    const answer = editing
      ? await callEngine(`/api/products/${editing.id}`, productSchema, { method: 'PATCH', body })
      : await callEngine('/api/products', productSchema, { method: 'POST', body });
    if (!answer.ok) {
      setError(answer.message);
      return;
    }
    setStatus(editing ? `Saved ${answer.data.code}.` : `Added ${answer.data.code}.`);
    startEdit(null);
    await reload();
  }

  async function remove(product: Product) {
    if (!window.confirm(`Remove ${product.code}? Orders keep the code they were given.`)) return;
    const answer = await callEngine(`/api/products/${product.id}`, z.null(), { method: 'DELETE' });
    setStatus(answer.ok ? `Removed ${product.code}.` : answer.message);
    await reload();
  }

  async function map(item: UnmappedName) {
    const productId = choice[item.id];
    if (!productId) return;
    const answer = await callEngine(`/api/unmapped-product-names/${item.id}/map`, mappedSchema, {
      method: 'POST',
      body: JSON.stringify({ productId }),
    });
    setStatus(
      answer.ok
        ? `“${item.name}” now means ${answer.data.name.productCode ?? 'the product'}; ${answer.data.ordersUpdated} order(s) updated.`
        : answer.message,
    );
    await reload();
  }

  async function dismiss(item: UnmappedName) {
    const answer = await callEngine(`/api/unmapped-product-names/${item.id}/dismiss`, unmappedNameSchema, { method: 'POST', body: '{}' });
    setStatus(answer.ok ? `“${item.name}” will not be asked about again.` : answer.message);
    await reload();
  }

  return (
    <div>
      {status ? (
        <div role="status" className="notice">
          {status}
        </div>
      ) : null}
      <section className={styles.card} aria-labelledby="unmapped-names">
        <h2 id="unmapped-names">Unmapped names</h2>
        {unmapped.length === 0 ? (
          <p className={styles.muted}>Every product name in orders matches a product.</p>
        ) : (
          <table className="table" aria-label="Unmapped names">
            <thead>
              <tr>
                <th>Name as written</th>
                <th>Seen</th>
                <th>Last seen</th>
                {canEdit ? <th>Map to…</th> : null}
              </tr>
            </thead>
            <tbody>
              {unmapped.map((item) => (
                <tr key={item.id}>
                  <td>{item.name}</td>
                  <td>{`${item.occurrences}×`}</td>
                  <td>{new Date(item.lastSeenAt).toLocaleString()}</td>
                  {canEdit ? (
                    <td>
                      <div style={{ display: 'flex', gap: '0.4rem', alignItems: 'center' }}>
                        <select
                          aria-label={`Product for ${item.name}`}
                          value={choice[item.id] ?? ''}
                          onChange={(e) => setChoice({ ...choice, [item.id]: e.target.value })}
                        >
                          <option value="">Choose a product…</option>
                          {products.map((p) => (
                            <option key={p.id} value={p.id}>{`${p.code} — ${p.name}`}</option>
                          ))}
                        </select>
                        <button
                          className="button button-small button-primary"
                          type="button"
                          disabled={!choice[item.id]}
                          aria-label={`Map ${item.name}`}
                          onClick={() => void map(item)}
                        >
                          Map
                        </button>
                        <button
                          className="button button-small button-secondary"
                          type="button"
                          aria-label={`Not a product: ${item.name}`}
                          onClick={() => void dismiss(item)}
                        >
                          Not a product
                        </button>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className={styles.card} aria-labelledby="catalogue">
        <h2 id="catalogue">Catalogue</h2>
        <div className={styles.toolbar}>
          <label>
            Search products
            <input className={styles.search} value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Code, name or alias" />
          </label>
        </div>
        <table className="table" aria-label="Products">
          <thead>
            <tr>
              <th>Code</th>
              <th>Name</th>
              <th>Aliases</th>
              {canEdit ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {products.map((p) => (
              <tr key={p.id}>
                <td>
                  <code>{p.code}</code>
                </td>
                <td>{p.name}</td>
                <td className={styles.muted}>{p.aliases.join(', ') || '—'}</td>
                {canEdit ? (
                  <td>
                    <button
                      className="button button-small button-secondary"
                      type="button"
                      aria-label={`Edit ${p.code}`}
                      onClick={() => startEdit(p)}
                    >
                      Edit
                    </button>{' '}
                    <button
                      className="button button-small button-secondary"
                      type="button"
                      aria-label={`Remove ${p.code}`}
                      onClick={() => void remove(p)}
                    >
                      Remove
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {products.length === 0 ? <p className={styles.muted}>No products yet.</p> : null}
      </section>

      {canEdit ? (
        <section className={styles.card} aria-labelledby="product-form">
          <h2 id="product-form">{editing ? `Edit ${editing.code}` : 'Add a product'}</h2>
          <form className={styles.productForm} onSubmit={(e) => void save(e)}>
            <label>
              Code (SKU)
              <input value={code} onChange={(e) => setCode(e.target.value)} placeholder="APL-IP15PM" required />
            </label>
            <label>
              Name
              <input value={name} onChange={(e) => setName(e.target.value)} placeholder="iPhone 15 Pro Max" required />
            </label>
            <label>
              Aliases (comma-separated)
              <input value={aliases} onChange={(e) => setAliases(e.target.value)} placeholder="iPhone15 Pro Max, IP15 PM" />
            </label>
            <p className={styles.muted}>
              Case, spaces, accents and punctuation do not matter: “iphone 15 pro-max” matches “iPhone15 Pro Max”.
            </p>
            {error ? (
              <div className="notice notice-error" role="alert">
                {error}
              </div>
            ) : null}
            <div style={{ display: 'flex', gap: '0.5rem' }}>
              <button className="button button-primary" type="submit">
                {editing ? 'Save product' : 'Add product'}
              </button>
              {editing ? (
                <button className="button button-secondary" type="button" onClick={() => startEdit(null)}>
                  Cancel
                </button>
              ) : null}
            </div>
          </form>
        </section>
      ) : null}
    </div>
  );
}
