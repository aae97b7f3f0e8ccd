import { z } from 'zod';
import { validationError } from './hubspot-errors';
import type { PropertyDefinition } from './hubspot-schema';
import type { IndexedRecord } from './hubspot-store';

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const filterSchema = z.object({
  propertyName: z.string().min(1).max(100),
  operator: z.enum(OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).max(100).optional(),
});

const sortSchema = z.union([
  z.object({ propertyName: z.string().min(1).max(100), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') }),
  // HubSpot also takes "createdate" or "-createdate".
  z
    .string()
    .min(1)
    .max(101)
    .transform((text) =>
      text.startsWith('-')
        ? { propertyName: text.slice(1), direction: 'DESCENDING' as const }
        : { propertyName: text, direction: 'ASCENDING' as const },
    ),
]);

export const MAX_SEARCH_RESULTS = 10_000;

export const searchRequestSchema = z.object({
  filterGroups: z
    .array(z.object({ filters: z.array(filterSchema).max(10, 'at most 10 filters per group') }))
    .max(5, 'at most 5 filterGroups')
    .default([]),
  sorts: z.array(sortSchema).max(1, 'only one sort is supported').default([]),
  query: z.string().max(3000).optional(),
  properties: z.array(z.string().min(1).max(100)).max(500).optional(),
  limit: z.number().int().min(0).max(200, 'limit must be at most 200').default(10),
  after: z.union([z.string(), z.number()]).transform(String).optional(),
});
export type SearchRequest = z.output<typeof searchRequestSchema>;
type Filter = z.output<typeof filterSchema>;

/** The part of the search HubSpot checks against the schema before running it. */
export function checkSearch(request: SearchRequest, definitions: Map<string, PropertyDefinition>): number {
  const total = request.filterGroups.reduce((sum, group) => sum + group.filters.length, 0);
  if (total > 25) throw validationError('There can be at most 25 filters in a search request.');
  const offset = request.after === undefined ? 0 : Number(request.after);
  if (!Number.isInteger(offset) || offset < 0)
    throw validationError(`Invalid input JSON: after must be a paging cursor, got "${request.after}"`);
  if (offset + Math.max(request.limit, 1) > MAX_SEARCH_RESULTS) {
    throw validationError(
      `Search results are limited to ${MAX_SEARCH_RESULTS} records: narrow the filters (e.g. by lastmodifieddate) instead of paging further.`,
    );
  }
  for (const group of request.filterGroups) {
    for (const filter of group.filters) {
      if (!definitions.has(filter.propertyName)) throw validationError(`Property ${filter.propertyName} does not exist`);
      const needsValue = !['HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN'].includes(filter.operator);
      if (needsValue && filter.value === undefined)
        throw validationError(`Filter on ${filter.propertyName} with ${filter.operator} needs a value`);
      if ((filter.operator === 'IN' || filter.operator === 'NOT_IN') && !filter.values?.length) {
        throw validationError(`Filter on ${filter.propertyName} with ${filter.operator} needs values`);
      }
      if (filter.operator === 'BETWEEN' && filter.highValue === undefined)
        throw validationError(`BETWEEN on ${filter.propertyName} needs a highValue`);
    }
  }
  for (const sort of request.sorts) {
    if (!definitions.has(sort.propertyName)) throw validationError(`Property ${sort.propertyName} does not exist`);
  }
  return offset;
}

function comparable(definition: PropertyDefinition | undefined, value: string): number | string {
  if (definition?.type === 'number') return Number(value);
  if (definition?.type === 'datetime') {
    const epoch = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    return Number.isNaN(epoch) ? value : epoch;
  }
  return value.toLowerCase();
}

/** Orders two comparable values: numerically when both are numbers, as text otherwise. */
function order(left: number | string, right: number | string): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  const a = String(left);
  const b = String(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

function tokens(value: string): string[] {
  return value
    .toLowerCase()
    .split(/[^\p{L}\p{N}@.+_-]+/u)
    .filter((token) => token !== '');
}

function containsToken(value: string, wanted: string): boolean {
  const pattern = wanted.toLowerCase();
  if (pattern.includes('*')) {
    const regex = new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    return regex.test(value.toLowerCase()) || tokens(value).some((token) => regex.test(token));
  }
  return tokens(value).includes(pattern) || value.toLowerCase() === pattern;
}

function matches(filter: Filter, record: IndexedRecord, definitions: Map<string, PropertyDefinition>): boolean {
  const raw = record.properties[filter.propertyName];
  const has = raw !== undefined && raw !== null && raw !== '';
  const definition = definitions.get(filter.propertyName);
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return !has;
    case 'NEQ':
      return !has || comparable(definition, raw) !== comparable(definition, filter.value ?? '');
    case 'NOT_IN':
      return !has || !(filter.values ?? []).some((value) => comparable(definition, value) === comparable(definition, raw));
    case 'NOT_CONTAINS_TOKEN':
      return !has || !containsToken(raw, filter.value ?? '');
    default:
      break;
  }
  if (!has) return false;
  const left = comparable(definition, raw);
  const right = comparable(definition, filter.value ?? '');
  switch (filter.operator) {
    case 'EQ':
      return left === right;
    case 'LT':
      return order(left, right) < 0;
    case 'LTE':
      return order(left, right) <= 0;
    case 'GT':
      return order(left, right) > 0;
    case 'GTE':
      return order(left, right) >= 0;
    case 'BETWEEN':
      return order(left, right) >= 0 && order(left, comparable(definition, filter.highValue ?? '')) <= 0;
    case 'IN':
      return (filter.values ?? []).some((value) => comparable(definition, value) === left);
    case 'CONTAINS_TOKEN':
      return containsToken(raw, filter.value ?? '');
    default:
      return false;
  }
}

/** Runs a search over what the (lagging) index shows: groups ORed, filters within a group ANDed. */
export function runSearch(
  request: SearchRequest,
  records: Iterable<[string, IndexedRecord]>,
  definitions: Map<string, PropertyDefinition>,
  queryProperties: readonly string[],
): IndexedRecord[] {
  const query = request.query?.trim().toLowerCase();
  const found: IndexedRecord[] = [];
  for (const [, record] of records) {
    if (
      request.filterGroups.length > 0 &&
      !request.filterGroups.some((group) => group.filters.every((filter) => matches(filter, record, definitions)))
    ) {
      continue;
    }
    if (query && !queryProperties.some((name) => (record.properties[name] ?? '').toLowerCase().includes(query))) continue;
    found.push(record);
  }
  const sort = request.sorts[0];
  found.sort((a, b) => {
    if (sort) {
      const definition = definitions.get(sort.propertyName);
      const left = a.properties[sort.propertyName];
      const right = b.properties[sort.propertyName];
      if (left !== right) {
        if (left === undefined || left === null) return 1;
        if (right === undefined || right === null) return -1;
        const sign = order(comparable(definition, left), comparable(definition, right));
        if (sign !== 0) return sort.direction === 'DESCENDING' ? -sign : sign;
      }
    }
    return Number(a.id) - Number(b.id);
  });
  return found;
}
