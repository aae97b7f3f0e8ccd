import { SfValidationError } from './salesforce-errors';
import { fieldNamed, type SfField, type SObjectName, sobjectFromPath } from './salesforce-schema';
import { fieldValue, type SfRecord } from './salesforce-store';
import type { Expression, Literal, SoqlQuery } from './soql-parser';

export interface PlannedQuery {
  sobject: SObjectName;
  fields: SfField[] | 'count';
  matches: (record: SfRecord) => boolean;
  compare: (a: SfRecord, b: SfRecord) => number;
  limit: number | null;
  offset: number;
}

function noSuchColumn(name: string, sobject: string): SfValidationError {
  return new SfValidationError({
    message: `No such column '${name}' on entity '${sobject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
    errorCode: 'INVALID_FIELD',
  });
}

function resolveField(sobject: SObjectName, name: string): SfField {
  if (name.includes('.')) {
    throw new SfValidationError({
      message: `Relationship fields such as '${name}' are not supported by the simulator`,
      errorCode: 'INVALID_FIELD',
    });
  }
  const field = fieldNamed(sobject, name);
  if (!field) throw noSuchColumn(name, sobject);
  return field;
}

const TYPE_OF_LITERAL: Record<Literal['type'], string> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  null: 'null',
  datetime: 'dateTime',
  date: 'date',
  dateRange: 'date literal',
};

/** Checks a literal fits the field (Salesforce refuses quoted dates, unquoted text and the like). */
function checkLiteral(field: SfField, value: Literal): void {
  if (value.type === 'null') return;
  const ok =
    field.type === 'datetime'
      ? value.type === 'datetime' || value.type === 'dateRange'
      : field.type === 'date'
        ? value.type === 'date' || value.type === 'dateRange'
        : field.type === 'currency' || field.type === 'double'
          ? value.type === 'number'
          : field.type === 'boolean'
            ? value.type === 'boolean'
            : value.type === 'string';
  if (!ok) {
    const expected =
      field.type === 'datetime'
        ? 'dateTime'
        : field.type === 'currency' || field.type === 'double'
          ? 'double'
          : field.type === 'boolean'
            ? 'boolean'
            : field.type === 'date'
              ? 'date'
              : 'string';
    throw new SfValidationError({
      message: `value of filter criterion for field '${field.name}' must be of type ${expected} and should not be enclosed in quotes (got a ${TYPE_OF_LITERAL[value.type]})`,
      errorCode: 'INVALID_FIELD',
    });
  }
}

type Plain = string | number | boolean | null;

function plainValue(record: SfRecord, field: SfField): Plain {
  const value = fieldValue(record, field.name);
  if (value === null || value === '') return field.type === 'boolean' ? false : null;
  if (field.type === 'datetime' && typeof value === 'string') return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (typeof value === 'string' && field.type !== 'date') return value.toLowerCase();
  return value;
}

function literalValue(field: SfField, value: Literal): Plain {
  switch (value.type) {
    case 'string':
      return field.type === 'id' || field.type === 'reference' ? value.value.toLowerCase().slice(0, 15) : value.value.toLowerCase();
    case 'number':
    case 'boolean':
      return value.value;
    case 'null':
      return null;
    case 'datetime':
      return value.ms;
    case 'date':
      return value.value;
    case 'dateRange':
      return field.type === 'date' ? new Date(value.from).toISOString().slice(0, 10) : value.from;
  }
}

function order(left: Plain, right: Plain): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  const a = String(left);
  const b = String(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareIds(field: SfField, value: Plain): Plain {
  // 15- and 18-character ids name the same record.
  return (field.type === 'id' || field.type === 'reference') && typeof value === 'string' ? value.slice(0, 15) : value;
}

function predicate(sobject: SObjectName, expression: Expression): (record: SfRecord) => boolean {
  switch (expression.kind) {
    case 'and': {
      const parts = expression.parts.map((part) => predicate(sobject, part));
      return (record) => parts.every((part) => part(record));
    }
    case 'or': {
      const parts = expression.parts.map((part) => predicate(sobject, part));
      return (record) => parts.some((part) => part(record));
    }
    case 'not': {
      const inner = predicate(sobject, expression.inner);
      return (record) => !inner(record);
    }
    case 'like': {
      const field = resolveField(sobject, expression.field);
      if (!['string', 'email', 'phone', 'textarea', 'picklist'].includes(field.type)) {
        throw new SfValidationError({ message: `invalid operator on field '${field.name}': LIKE`, errorCode: 'INVALID_FIELD' });
      }
      const regex = new RegExp(
        `^${expression.pattern
          .split('')
          .map((char) => (char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('')}$`,
        'is',
      );
      return (record) => {
        const value = fieldValue(record, field.name);
        return typeof value === 'string' && regex.test(value);
      };
    }
    case 'in': {
      const field = resolveField(sobject, expression.field);
      for (const value of expression.values) checkLiteral(field, value);
      const wanted = expression.values.map((value) => compareIds(field, literalValue(field, value)));
      return (record) => {
        const value = compareIds(field, plainValue(record, field));
        const found = wanted.some((candidate) => candidate === value);
        return expression.negate ? !found : found;
      };
    }
    case 'compare': {
      const field = resolveField(sobject, expression.field);
      checkLiteral(field, expression.value);
      const literal = expression.value;
      if (literal.type === 'null' && expression.op !== '=' && expression.op !== '!=') {
        throw new SfValidationError({ message: `invalid operator for null: ${expression.op}`, errorCode: 'MALFORMED_QUERY' });
      }
      if (literal.type === 'dateRange' && field.type === 'datetime') {
        return (record) => {
          const value = plainValue(record, field);
          if (typeof value !== 'number') return expression.op === '!=';
          const inside = value >= literal.from && value < literal.to;
          switch (expression.op) {
            case '=':
              return inside;
            case '!=':
              return !inside;
            case '<':
              return value < literal.from;
            case '<=':
              return value < literal.to;
            case '>':
              return value >= literal.to;
            case '>=':
              return value >= literal.from;
          }
        };
      }
      const right = compareIds(field, literalValue(field, literal));
      return (record) => {
        const left = compareIds(field, plainValue(record, field));
        if (right === null) return expression.op === '=' ? left === null : left !== null;
        if (left === null) return expression.op === '!=';
        const sign = order(left, right);
        switch (expression.op) {
          case '=':
            return sign === 0;
          case '!=':
            return sign !== 0;
          case '<':
            return sign < 0;
          case '<=':
            return sign <= 0;
          case '>':
            return sign > 0;
          case '>=':
            return sign >= 0;
        }
      };
    }
  }
}

/** Resolves a parsed query against the schema (INVALID_TYPE, INVALID_FIELD) and builds its filter and order. */
export function planQuery(query: SoqlQuery): PlannedQuery {
  const sobject = sobjectFromPath(query.sobject);
  if (!sobject) {
    throw new SfValidationError({
      message: `sObject type '${query.sobject}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
      errorCode: 'INVALID_TYPE',
    });
  }
  const fields = query.fields === 'count' ? 'count' : query.fields.map((name) => resolveField(sobject, name));
  const matches = query.where ? predicate(sobject, query.where) : () => true;
  const orderFields = query.orderBy.map((item) => ({ ...item, field: resolveField(sobject, item.field) }));
  const compare = (a: SfRecord, b: SfRecord): number => {
    for (const item of orderFields) {
      const left = plainValue(a, item.field);
      const right = plainValue(b, item.field);
      if (left === right) continue;
      if (left === null) return item.nullsLast ? 1 : -1;
      if (right === null) return item.nullsLast ? -1 : 1;
      const sign = order(left, right);
      if (sign !== 0) return item.descending ? -sign : sign;
    }
    return 0;
  };
  return { sobject, fields, matches, compare, limit: query.limit, offset: query.offset ?? 0 };
}
