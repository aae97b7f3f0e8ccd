import { productNameKey } from './product-name-key';

/** Where an order line may name its product, most specific first. */
const NAME_KEYS = ['sku', 'code', 'name', 'title', 'product'] as const;

export interface ItemCodes {
  /** The lines with `sku` set to the catalogue code where one matched (the text it had is kept in `source_sku`). */
  items: Record<string, unknown>[];
  /** Names that matched no product, once each, for a person to map. */
  unmatched: { key: string; name: string }[];
}

function texts(item: Readonly<Record<string, unknown>>): string[] {
  return NAME_KEYS.map((k) => item[k]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
}

/**
 * Gives each order line the catalogue's code: the first of its sku, code,
 * name, title or product whose key is a known alias wins. A line none of whose
 * texts match is left as it came and its name (or sku) queued.
 */
export function assignProductCodes(items: readonly Readonly<Record<string, unknown>>[], codeByKey: ReadonlyMap<string, string>): ItemCodes {
  const unmatched = new Map<string, string>();
  const mapped = items.map((item) => {
    const candidates = texts(item);
    for (const text of candidates) {
      const code = codeByKey.get(productNameKey(text));
      if (code === undefined) continue;
      if (item['sku'] === code) return { ...item };
      return typeof item['sku'] === 'string' ? { ...item, sku: code, source_sku: item['sku'] } : { ...item, sku: code };
    }
    // A person recognises a product by its name better than by a foreign sku.
    const shown = ['name', 'title', 'product', 'sku', 'code'].map((k) => item[k]).find((v) => typeof v === 'string' && v.trim() !== '');
    if (typeof shown === 'string') {
      const key = productNameKey(shown);
      if (key !== '' && !unmatched.has(key)) unmatched.set(key, shown.trim().slice(0, 200));
    }
    return { ...item };
  });
  return { items: mapped, unmatched: [...unmatched].map(([key, name]) => ({ key, name })) };
}

/** Every key an order line could match by, for looking the catalogue up in one query. */
export function itemKeys(items: readonly Readonly<Record<string, unknown>>[]): string[] {
  return [...new Set(items.flatMap((item) => texts(item).map(productNameKey)).filter((k) => k !== ''))];
}
