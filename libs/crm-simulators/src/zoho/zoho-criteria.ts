import { fieldOf, type ZohoModule } from './zoho-schema';
import type { FieldValue, ZohoRecord } from './zoho-store';

const TEXT_OPERATORS = ['equals', 'not_equal', 'starts_with', 'in'] as const;
const ORDERED_OPERATORS = ['equals', 'not_equal', 'greater_than', 'greater_equal', 'less_than', 'less_equal', 'between', 'in'] as const;
type Operator = (typeof TEXT_OPERATORS)[number] | (typeof ORDERED_OPERATORS)[number];

export interface Condition {
  kind: 'condition';
  field: string;
  operator: Operator;
  values: string[];
  ordered: boolean;
}

export interface Combination {
  kind: 'and' | 'or';
  parts: Criteria[];
}

export type Criteria = Condition | Combination;

export class CriteriaError extends Error {}

const MAX_CONDITIONS = 10;

/** Splits on an unescaped separator; `\` escapes `(`, `)`, `,`, `:` and itself. */
function splitUnescaped(text: string, separator: string, limit = Number.POSITIVE_INFINITY): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] ?? '';
    if (char === '\\' && i + 1 < text.length) {
      current += char + (text[i + 1] ?? '');
      i += 1;
    } else if (char === separator && parts.length < limit - 1) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/**
 * Parses Zoho's search `criteria`: `(Field:operator:value)` groups combined
 * with `and`/`or` inside parentheses, at most 10 conditions.
 */
export function parseCriteria(text: string, module: ZohoModule): Criteria {
  let position = 0;
  let conditions = 0;

  const expect = (char: string) => {
    if (text[position] !== char) throw new CriteriaError(`expected "${char}" at position ${position + 1}`);
    position += 1;
  };

  const parseCondition = (): Condition => {
    let end = position;
    while (end < text.length && !(text[end] === ')' && text[end - 1] !== '\\')) end += 1;
    if (end >= text.length) throw new CriteriaError('unbalanced parentheses');
    const raw = text.slice(position, end);
    position = end;
    const [field = '', operator = '', value] = splitUnescaped(raw, ':', 3);
    if (value === undefined) throw new CriteriaError(`"${raw}" is not Field:operator:value`);
    const apiName = field.trim();
    const ordered =
      ['Created_Time', 'Modified_Time'].includes(apiName) || ['currency', 'date'].includes(fieldOf(module, apiName)?.dataType ?? '');
    if (!ordered && apiName !== 'id' && !fieldOf(module, apiName)) throw new CriteriaError(`invalid field ${apiName}`);
    const allowed: readonly string[] = ordered ? ORDERED_OPERATORS : TEXT_OPERATORS;
    const op = operator.trim();
    const known = [...TEXT_OPERATORS, ...ORDERED_OPERATORS].find((candidate) => candidate === op);
    if (!known || !allowed.includes(op)) throw new CriteriaError(`the operator ${op} is not supported for ${apiName}`);
    const values = known === 'in' || known === 'between' ? splitUnescaped(value, ',').map(unescape) : [unescape(value)];
    if (known === 'between' && values.length !== 2) throw new CriteriaError('between takes two values');
    conditions += 1;
    if (conditions > MAX_CONDITIONS) throw new CriteriaError(`at most ${MAX_CONDITIONS} criteria are allowed`);
    return { kind: 'condition', field: apiName, operator: known, values, ordered };
  };

  const parseGroup = (): Criteria => {
    expect('(');
    if (text[position] !== '(') {
      const condition = parseCondition();
      expect(')');
      return condition;
    }
    const parts: Criteria[] = [parseGroup()];
    let joiner: 'and' | 'or' | null = null;
    while (text[position] !== ')') {
      const word = /^(and|or)/i.exec(text.slice(position));
      if (!word?.[1]) throw new CriteriaError(`expected "and", "or" or ")" at position ${position + 1}`);
      const next = word[1].toLowerCase() === 'and' ? 'and' : 'or';
      if (joiner !== null && joiner !== next) throw new CriteriaError('mixing and/or needs parentheses');
      joiner = next;
      position += word[1].length;
      parts.push(parseGroup());
    }
    expect(')');
    return parts.length === 1 && parts[0] ? parts[0] : { kind: joiner ?? 'and', parts };
  };

  const criteria = parseGroup();
  if (position !== text.length) throw new CriteriaError(`unexpected text after position ${position}`);
  return criteria;
}

function plain(value: FieldValue | undefined, record: ZohoRecord, field: string): string | number | null {
  if (field === 'id') return record.id;
  if (field === 'Modified_Time') return record.modifiedAt;
  if (field === 'Created_Time') return record.createdAt;
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') return value.id;
  if (typeof value === 'boolean') return String(value);
  return value;
}

function comparable(value: string, field: string): string | number {
  if (field === 'Modified_Time' || field === 'Created_Time') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? value : Math.floor(parsed / 1000) * 1000;
  }
  const number = Number(value);
  return value.trim() !== '' && Number.isFinite(number) ? number : value.toLowerCase();
}

function order(left: string | number, right: string | number): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return String(left).localeCompare(String(right));
}

export function matchesCriteria(criteria: Criteria, record: ZohoRecord): boolean {
  if (criteria.kind !== 'condition') {
    return criteria.kind === 'and'
      ? criteria.parts.every((part) => matchesCriteria(part, record))
      : criteria.parts.some((part) => matchesCriteria(part, record));
  }
  const raw = plain(record.fields[criteria.field], record, criteria.field);
  if (raw === null) return criteria.operator === 'not_equal';
  const left =
    criteria.field === 'Modified_Time' || criteria.field === 'Created_Time'
      ? Math.floor(Number(raw) / 1000) * 1000
      : comparable(String(raw), criteria.field);
  const [first = '', second = ''] = criteria.values;
  const right = comparable(first, criteria.field);
  switch (criteria.operator) {
    case 'equals':
      return order(left, right) === 0;
    case 'not_equal':
      return order(left, right) !== 0;
    case 'starts_with':
      return String(raw).toLowerCase().startsWith(first.toLowerCase());
    case 'in':
      return criteria.values.some((value) => order(left, comparable(value, criteria.field)) === 0);
    case 'greater_than':
      return order(left, right) > 0;
    case 'greater_equal':
      return order(left, right) >= 0;
    case 'less_than':
      return order(left, right) < 0;
    case 'less_equal':
      return order(left, right) <= 0;
    case 'between':
      return order(left, right) >= 0 && order(left, comparable(second, criteria.field)) <= 0;
  }
}
