/**
 * The key a product name is matched by: accents, case, spaces and punctuation
 * do not count, so "iPhone15 Pro Max", "iphone 15 pro-max" and "IPHONE 15
 * PRO MAX" are one name. SQL computes the same key with
 * `regexp_replace(lower(normalize(t, NFKD)), '[^a-z0-9]+', '', 'g')`.
 * Empty when nothing is left (only symbols): such a name matches nothing.
 */
export function productNameKey(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 200);
}

/** The SQL twin of `productNameKey`, for an expression `column`. */
export function productNameKeySql(column: string): string {
  return `left(regexp_replace(lower(normalize(${column}, NFKD)), '[^a-z0-9]+', '', 'g'), 200)`;
}
