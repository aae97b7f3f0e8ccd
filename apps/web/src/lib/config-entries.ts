/** One setting of a node, flattened for display: `message.text` → "Message". */
export interface ConfigEntry {
  path: string;
  label: string;
  value: string;
}

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema itself and every branch of its unions, where a property may be declared. */
function branches(schema: unknown): JsonRecord[] {
  if (!isRecord(schema)) return [];
  const nested = ['anyOf', 'oneOf', 'allOf'].flatMap((key) => {
    const list = schema[key];
    return Array.isArray(list) ? list.flatMap(branches) : [];
  });
  return [schema, ...nested];
}

function propertySchema(schema: unknown, key: string): unknown {
  for (const branch of branches(schema)) {
    const properties = branch['properties'];
    if (isRecord(properties) && key in properties) return properties[key];
  }
  return null;
}

function schemaTitle(schema: unknown): string | null {
  for (const branch of branches(schema)) {
    const title = branch['title'];
    if (typeof title === 'string' && title.length > 0) return title;
  }
  return null;
}

/** "previewUrl" → "Preview url", "case_sensitive" → "Case sensitive". */
function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.length > 0 ? `${words.charAt(0).toUpperCase()}${words.slice(1)}` : key;
}

function formatScalar(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string') return value.length > 0 ? value : '(empty)';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value, null, 2);
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof value);
}

function collect(value: unknown, schema: unknown, path: string, key: string, into: ConfigEntry[]): void {
  if (isRecord(value)) {
    for (const [childKey, child] of Object.entries(value)) {
      collect(child, propertySchema(schema, childKey), path ? `${path}.${childKey}` : childKey, childKey, into);
    }
    return;
  }
  const label = schemaTitle(schema) ?? humanize(key);
  if (Array.isArray(value)) {
    const text =
      value.length === 0 ? '(none)' : value.every(isScalar) ? value.map(formatScalar).join(', ') : JSON.stringify(value, null, 2);
    into.push({ path, label, value: text });
    return;
  }
  into.push({ path, label, value: formatScalar(value) });
}

/**
 * A node's config as a flat list of labelled values. Labels come from the
 * node type's JSON Schema titles when it has them, so people read "Keywords"
 * rather than a field name.
 */
export function configEntries(config: Record<string, unknown>, configSchema: unknown): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  for (const [key, value] of Object.entries(config)) {
    collect(value, propertySchema(configSchema, key), key, key, entries);
  }
  return entries;
}
