import { isRecord, type JsonRecord } from './is-record';

/**
 * The condition builder's model of a JSONLogic rule: groups of rows joined by
 * AND/OR. Rows cover field comparisons and the engine's behaviour operators
 * (see flow-core's logic-rules): events_count, since_last, consecutive,
 * has_tag, intent and conversation_sentiment. A rule outside this shape is
 * edited as raw JSONLogic instead.
 */

export const COMPARISONS = ['==', '!=', '>', '>=', '<', '<='] as const;
export type Comparison = (typeof COMPARISONS)[number];
export const FIELD_OPERATORS = [...COMPARISONS, 'contains', 'is_set', 'is_empty'] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];
export const FILTER_KEYS = ['intent', 'type', 'text_contains', 'reply_id', 'any'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export const WINDOW_UNITS = ['m', 'h', 'd', 'w', 'all'] as const;
export type WindowUnit = (typeof WINDOW_UNITS)[number];
export const SINCE_UNITS = ['m', 'h', 'd'] as const;
export type SinceUnit = (typeof SINCE_UNITS)[number];

export interface EventFilter {
  key: FilterKey;
  value: string;
}

export type ConditionRow =
  | { kind: 'field'; field: string; operator: FieldOperator; value: string }
  | { kind: 'events_count'; filter: EventFilter; amount: number; unit: WindowUnit; operator: Comparison; count: number }
  | { kind: 'since_last'; filter: EventFilter; unit: SinceUnit; operator: Comparison; amount: number }
  | { kind: 'consecutive'; filter: EventFilter; count: number }
  | { kind: 'has_tag'; tag: string; negate: boolean }
  | { kind: 'intent'; intent: string; negate: boolean }
  | { kind: 'sentiment'; operator: Comparison; value: number };

export type ConditionRowKind = ConditionRow['kind'];

export interface ConditionGroup {
  kind: 'group';
  combinator: 'and' | 'or';
  items: ConditionItem[];
}

export type ConditionItem = ConditionRow | ConditionGroup;

export function defaultRow(kind: ConditionRowKind): ConditionRow {
  switch (kind) {
    case 'field':
      return { kind, field: 'contact.list', operator: '==', value: '' };
    case 'events_count':
      return { kind, filter: { key: 'intent', value: 'price' }, amount: 7, unit: 'd', operator: '>=', count: 3 };
    case 'since_last':
      return { kind, filter: { key: 'type', value: 'order.created' }, unit: 'h', operator: '>=', amount: 72 };
    case 'consecutive':
      return { kind, filter: { key: 'intent', value: 'price' }, count: 2 };
    case 'has_tag':
      return { kind, tag: '', negate: false };
    case 'intent':
      return { kind, intent: 'price', negate: false };
    case 'sentiment':
      return { kind, operator: '<', value: 0.3 };
  }
}

function isComparison(value: string): value is Comparison {
  return COMPARISONS.some((c) => c === value);
}

function single(value: unknown): [string, unknown] | null {
  if (!isRecord(value)) return null;
  const entries = Object.entries(value);
  return entries.length === 1 && entries[0] ? entries[0] : null;
}

function args(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function varPath(value: unknown): string | null {
  const entry = single(value);
  if (!entry || entry[0] !== 'var') return null;
  const [path] = args(entry[1]);
  return typeof path === 'string' ? path : null;
}

function parseFilter(value: unknown): EventFilter | null {
  if (!isRecord(value)) return null;
  const entries = Object.entries(value);
  if (entries.length === 0) return { key: 'any', value: '' };
  const entry = entries.length === 1 ? entries[0] : undefined;
  if (!entry) return null;
  const key = FILTER_KEYS.find((k) => k === entry[0] && k !== 'any');
  return key && typeof entry[1] === 'string' ? { key, value: entry[1] } : null;
}

function writeFilter(filter: EventFilter): JsonRecord {
  return filter.key === 'any' ? {} : { [filter.key]: filter.value };
}

function parseWindowSpec(value: unknown): { amount: number; unit: WindowUnit } | null {
  if (value === 'all') return { amount: 0, unit: 'all' };
  if (typeof value !== 'string') return null;
  const match = /^(\d{1,6})([mhdw])$/.exec(value.trim());
  if (!match) return null;
  const unit = WINDOW_UNITS.find((u) => u === match[2]);
  return unit ? { amount: Number(match[1]), unit } : null;
}

function displayValue(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function parseRow(rule: unknown): ConditionRow | null {
  const entry = single(rule);
  if (!entry) return null;
  const [operator, raw] = entry;
  const list = args(raw);
  if (operator === '!' || operator === '!!') {
    const inner = list[0];
    const path = varPath(inner);
    if (path) return { kind: 'field', field: path, operator: operator === '!' ? 'is_empty' : 'is_set', value: '' };
    if (operator === '!') {
      const row = parseRow(inner);
      if (row && (row.kind === 'has_tag' || row.kind === 'intent') && !row.negate) return { ...row, negate: true };
    }
    return null;
  }
  if (operator === 'has_tag') return typeof list[0] === 'string' ? { kind: 'has_tag', tag: list[0], negate: false } : null;
  if (operator === 'intent') {
    return varPath(list[0]) === 'event.text' && typeof list[1] === 'string' ? { kind: 'intent', intent: list[1], negate: false } : null;
  }
  if (operator === 'consecutive') {
    const filter = parseFilter(list[0]);
    return filter && typeof list[1] === 'number' ? { kind: 'consecutive', filter, count: list[1] } : null;
  }
  if (operator === 'in') {
    const path = varPath(list[1]);
    const value = displayValue(list[0]);
    return path && value !== null ? { kind: 'field', field: path, operator: 'contains', value } : null;
  }
  if (!isComparison(operator) || list.length !== 2) return null;
  const [left, right] = list;
  const path = varPath(left);
  if (path) {
    const value = displayValue(right);
    return value === null ? null : { kind: 'field', field: path, operator, value };
  }
  const inner = single(left);
  if (!inner || typeof right !== 'number') return null;
  const innerArgs = args(inner[1]);
  if (inner[0] === 'events_count' && innerArgs.length === 2) {
    const filter = parseFilter(innerArgs[0]);
    const window = parseWindowSpec(innerArgs[1]);
    return filter && window ? { kind: 'events_count', filter, ...window, operator, count: right } : null;
  }
  if (inner[0] === 'since_last') {
    const filter = parseFilter(innerArgs[0]);
    const unit = SINCE_UNITS.find((u) => u === (innerArgs[1] ?? 'h'));
    return filter && unit ? { kind: 'since_last', filter, unit, operator, amount: right } : null;
  }
  if (inner[0] === 'conversation_sentiment') return { kind: 'sentiment', operator, value: right };
  return null;
}

function parseItem(rule: unknown): ConditionItem | null {
  const entry = single(rule);
  if (entry && (entry[0] === 'and' || entry[0] === 'or') && Array.isArray(entry[1])) {
    const items = entry[1].map(parseItem);
    if (items.some((item) => item === null)) return null;
    return { kind: 'group', combinator: entry[0], items: items.filter((item): item is ConditionItem => item !== null) };
  }
  return parseRow(rule);
}

/** The builder's view of a rule; null when the rule uses something the builder cannot show. */
export function ruleToGroup(rule: unknown): ConditionGroup | null {
  const item = parseItem(rule);
  if (!item) return null;
  return item.kind === 'group' ? item : { kind: 'group', combinator: 'and', items: [item] };
}

/** Numbers stay numbers and true/false stay booleans, so `>= 3` compares numerically. */
function typedValue(text: string): string | number | boolean {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  return text;
}

function rowToRule(row: ConditionRow): JsonRecord {
  switch (row.kind) {
    case 'field':
      if (row.operator === 'is_set') return { '!!': { var: row.field } };
      if (row.operator === 'is_empty') return { '!': { var: row.field } };
      if (row.operator === 'contains') return { in: [typedValue(row.value), { var: row.field }] };
      return { [row.operator]: [{ var: row.field }, typedValue(row.value)] };
    case 'events_count':
      return {
        [row.operator]: [{ events_count: [writeFilter(row.filter), row.unit === 'all' ? 'all' : `${row.amount}${row.unit}`] }, row.count],
      };
    case 'since_last':
      return { [row.operator]: [{ since_last: [writeFilter(row.filter), row.unit] }, row.amount] };
    case 'consecutive':
      return { consecutive: [writeFilter(row.filter), row.count] };
    case 'has_tag':
      return row.negate ? { '!': { has_tag: [row.tag] } } : { has_tag: [row.tag] };
    case 'intent': {
      const rule = { intent: [{ var: 'event.text' }, row.intent] };
      return row.negate ? { '!': rule } : rule;
    }
    case 'sentiment':
      return { [row.operator]: [{ conversation_sentiment: [] }, row.value] };
  }
}

export function groupToRule(group: ConditionGroup): JsonRecord {
  return { [group.combinator]: group.items.map((item) => (item.kind === 'group' ? groupToRule(item) : rowToRule(item))) };
}
