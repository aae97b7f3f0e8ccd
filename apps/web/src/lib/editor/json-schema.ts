import { isRecord, type JsonRecord } from './is-record';

/**
 * Reading the JSON Schema of a node's config (GET /api/node-types, made by
 * zod's toJSONSchema with the form hints of `.meta()`), to generate its form.
 */

export function schemaList(schema: JsonRecord, key: 'oneOf' | 'anyOf'): JsonRecord[] {
  const list = schema[key];
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

export function schemaType(schema: JsonRecord): string | null {
  const type = schema['type'];
  return typeof type === 'string' ? type : null;
}

export function schemaString(schema: JsonRecord, key: string): string | null {
  const value = schema[key];
  return typeof value === 'string' ? value : null;
}

export function schemaProperties(schema: JsonRecord): [string, JsonRecord][] {
  const properties = schema['properties'];
  if (!isRecord(properties)) return [];
  const result: [string, JsonRecord][] = [];
  for (const [key, value] of Object.entries(properties)) if (isRecord(value)) result.push([key, value]);
  return result;
}

export function requiredKeys(schema: JsonRecord): Set<string> {
  const required = schema['required'];
  return new Set(Array.isArray(required) ? required.filter((key): key is string => typeof key === 'string') : []);
}

export function enumValues(schema: JsonRecord): string[] | null {
  const values = schema['enum'];
  if (Array.isArray(values)) return values.filter((v): v is string => typeof v === 'string');
  const constant = schema['const'];
  return typeof constant === 'string' ? [constant] : null;
}

/** `X | null` written as anyOf: the X part, when the schema is exactly that. */
export function nullableInner(schema: JsonRecord): JsonRecord | null {
  const options = schemaList(schema, 'anyOf');
  if (options.length !== 2) return null;
  const nonNull = options.filter((option) => schemaType(option) !== 'null');
  return nonNull.length === 1 && nonNull[0] ? { ...nonNull[0], title: schema['title'], description: schema['description'] } : null;
}

export interface Discriminated {
  key: string;
  branches: { values: string[]; schema: JsonRecord }[];
}

/** A union of objects told apart by one property ("match", "type", "mode"...). */
export function discriminatedUnion(schema: JsonRecord): Discriminated | null {
  const options = [...schemaList(schema, 'oneOf'), ...schemaList(schema, 'anyOf')];
  if (options.length < 2) return null;
  const first = options[0];
  if (!first) return null;
  for (const [key] of schemaProperties(first)) {
    const branches = options.map((option) => {
      const property = schemaProperties(option).find(([name]) => name === key)?.[1];
      return { values: property ? (enumValues(property) ?? []) : [], schema: option };
    });
    if (branches.every((branch) => branch.values.length > 0)) return { key, branches };
  }
  return null;
}

/** A value to start a field with: its default, else an empty value of its type. */
export function initialValue(schema: JsonRecord): unknown {
  if ('default' in schema) return structuredClone(schema['default']);
  const union = discriminatedUnion(schema);
  if (union?.branches[0]) {
    const [value] = union.branches[0].values;
    return { ...objectDefaults(union.branches[0].schema), [union.key]: value };
  }
  if (nullableInner(schema)) return null;
  const values = enumValues(schema);
  if (values?.[0] !== undefined) return values[0];
  switch (schemaType(schema)) {
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return objectDefaults(schema);
    default:
      return undefined;
  }
}

function objectDefaults(schema: JsonRecord): JsonRecord {
  const required = requiredKeys(schema);
  const result: JsonRecord = {};
  for (const [key, property] of schemaProperties(schema)) {
    if (!required.has(key) && !('default' in property)) continue;
    const value = initialValue(property);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** "previewUrl" → "Preview url". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.length > 0 ? `${words.charAt(0).toUpperCase()}${words.slice(1)}` : key;
}
