import { SfValidationError } from './salesforce-errors';
import { normaliseId, salesforceId, sfDateTime } from './salesforce-ids';
import { fieldNamed, KEY_PREFIXES, SOBJECT_FIELDS, SOBJECTS, type SfField, type SObjectName } from './salesforce-schema';

export type SfValue = string | number | boolean | null;

export interface SfRecord {
  id: string;
  sobject: SObjectName;
  fields: Record<string, SfValue>;
  createdAt: number;
  modifiedAt: number;
  createdById: string;
  modifiedById: string;
  deleted: boolean;
  deletedAt: number | null;
}

/** The integration user the tokens belong to, and the person editing in Salesforce's own screens. */
export const API_USER_ID = salesforceId(KEY_PREFIXES.User, 1);
export const UI_USER_ID = salesforceId(KEY_PREFIXES.User, 2);
export const ORG_ID = salesforceId(KEY_PREFIXES.Organization, 1);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function kindOf(value: unknown): string {
  if (value === null) return 'VALUE_NULL';
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object') return 'START_OBJECT';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  return 'VALUE_TRUE';
}

/** The records of one simulated Salesforce org; deleted records stay in the recycle bin (`IsDeleted`). */
export class SalesforceStore {
  private readonly records = new Map<SObjectName, Map<string, SfRecord>>();
  private counter = 1;

  constructor(private readonly now: () => number) {
    for (const sobject of SOBJECTS) this.records.set(sobject, new Map());
  }

  table(sobject: SObjectName): Map<string, SfRecord> {
    const table = this.records.get(sobject);
    if (!table) throw new Error(`unknown sObject ${sobject}`);
    return table;
  }

  get(sobject: SObjectName, rawId: string, includeDeleted = false): SfRecord | null {
    const id = normaliseId(rawId);
    if (id === null) return null;
    const record = this.table(sobject).get(id);
    return record && (includeDeleted || !record.deleted) ? record : null;
  }

  /** Any live record with this id, whatever its sObject (reference fields). */
  findAny(rawId: string, among: readonly string[]): SfRecord | null {
    for (const sobject of SOBJECTS) {
      if (!among.includes(sobject)) continue;
      const record = this.get(sobject, rawId);
      if (record) return record;
    }
    return null;
  }

  byExternalId(sobject: SObjectName, field: SfField, value: string): SfRecord[] {
    const wanted = value.toLowerCase();
    return [...this.table(sobject).values()].filter(
      (record) => !record.deleted && String(record.fields[field.name] ?? '').toLowerCase() === wanted,
    );
  }

  /**
   * Checks the fields of a create or update the way Salesforce does, throwing
   * the first error; returns the values to store (canonical field names).
   */
  prepare(sobject: SObjectName, input: Record<string, unknown>, mode: 'create' | 'update', selfId: string | null): Record<string, SfValue> {
    const values: Record<string, SfValue> = {};
    const notWritable: string[] = [];
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes') continue;
      const field = fieldNamed(sobject, key);
      if (!field)
        throw new SfValidationError({ message: `No such column '${key}' on sobject of type ${sobject}`, errorCode: 'INVALID_FIELD' });
      if (mode === 'create' ? !field.createable : !field.updateable) {
        notWritable.push(field.name);
        continue;
      }
      values[field.name] = this.checkValue(sobject, field, raw);
    }
    if (notWritable.length > 0) {
      throw new SfValidationError({
        message: `Unable to create/update fields: ${notWritable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        fields: notWritable,
      });
    }
    if (mode === 'create') {
      for (const field of SOBJECT_FIELDS[sobject]) {
        if (values[field.name] === undefined && field.defaultValue !== undefined && field.createable)
          values[field.name] = field.defaultValue;
      }
    }
    const missing = SOBJECT_FIELDS[sobject]
      .filter((field) => field.required)
      .filter((field) => {
        const value = field.name in values ? values[field.name] : mode === 'update' ? 'kept' : undefined;
        return value === undefined || value === null || value === '';
      })
      .map((field) => field.name);
    if (missing.length > 0) {
      throw new SfValidationError({
        message: `Required fields are missing: [${missing.join(', ')}]`,
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: missing,
      });
    }
    for (const field of SOBJECT_FIELDS[sobject]) {
      const value = values[field.name];
      if (!field.unique || value === undefined || value === null) continue;
      const duplicate = this.byExternalId(sobject, field, String(value)).find((record) => record.id !== selfId);
      if (duplicate) {
        throw new SfValidationError({
          message: `duplicate value found: ${field.name} duplicates value on record with id: ${duplicate.id}`,
          errorCode: 'DUPLICATE_VALUE',
          fields: [field.name],
        });
      }
    }
    return values;
  }

  private checkValue(sobject: SObjectName, field: SfField, raw: unknown): SfValue {
    if (raw === null) return null;
    const mismatch = (type: string) =>
      new SfValidationError({
        message: `Cannot deserialize instance of ${type} from ${kindOf(raw)} value ${JSON.stringify(raw)} for field ${field.name}`,
        errorCode: 'JSON_PARSER_ERROR',
      });
    switch (field.type) {
      case 'string':
      case 'textarea':
      case 'phone':
      case 'email':
      case 'picklist': {
        if (typeof raw !== 'string') throw mismatch('string');
        if (field.length > 0 && raw.length > field.length) {
          throw new SfValidationError({
            message: `${field.label}: data value too large: ${raw.slice(0, 40)} (max length=${field.length})`,
            errorCode: 'STRING_TOO_LONG',
            fields: [field.name],
          });
        }
        if (field.type === 'email' && raw !== '' && !EMAIL.test(raw)) {
          throw new SfValidationError({
            message: `${field.label}: invalid email address: ${raw}`,
            errorCode: 'INVALID_EMAIL_ADDRESS',
            fields: [field.name],
          });
        }
        if (field.type === 'picklist' && field.restrictedPicklist && !field.picklist?.includes(raw)) {
          throw new SfValidationError({
            message: `${field.label}: bad value for restricted picklist field: ${raw}`,
            errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            fields: [field.name],
          });
        }
        return raw;
      }
      case 'date':
        if (typeof raw !== 'string' || !DATE.test(raw) || Number.isNaN(Date.parse(raw))) throw mismatch('date');
        return raw;
      case 'datetime':
        if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) throw mismatch('datetime');
        return sfDateTime(Date.parse(raw));
      case 'currency':
      case 'double':
        if (typeof raw !== 'number' || !Number.isFinite(raw)) throw mismatch('double');
        return raw;
      case 'boolean':
        if (typeof raw !== 'boolean') throw mismatch('boolean');
        return raw;
      case 'reference': {
        if (typeof raw !== 'string') throw mismatch('id');
        const id = normaliseId(raw);
        const targets = field.referenceTo ?? [];
        const exists = targets.includes('User')
          ? id === API_USER_ID || id === UI_USER_ID
          : id !== null && this.findAny(id, targets) !== null;
        if (id === null || !exists) {
          throw new SfValidationError({
            message: `${field.label}: id value of incorrect type: ${raw}`,
            errorCode: 'INVALID_CROSS_REFERENCE_KEY',
            fields: [field.name],
          });
        }
        return id;
      }
      case 'id':
        throw mismatch('id');
    }
    return null;
  }

  create(sobject: SObjectName, values: Record<string, SfValue>, source: 'api' | 'ui', at = this.now()): SfRecord {
    const userId = source === 'ui' ? UI_USER_ID : API_USER_ID;
    const id = salesforceId(KEY_PREFIXES[sobject], this.counter++);
    const record: SfRecord = {
      id,
      sobject,
      fields: { OwnerId: userId, ...values },
      createdAt: at,
      modifiedAt: at,
      createdById: userId,
      modifiedById: userId,
      deleted: false,
      deletedAt: null,
    };
    this.table(sobject).set(id, record);
    return record;
  }

  update(record: SfRecord, values: Record<string, SfValue>, source: 'api' | 'ui'): void {
    Object.assign(record.fields, values);
    // SystemModstamp moves on every save, never backwards, even within the same millisecond.
    record.modifiedAt = Math.max(this.now(), record.modifiedAt + 1);
    record.modifiedById = source === 'ui' ? UI_USER_ID : API_USER_ID;
  }

  remove(record: SfRecord, source: 'api' | 'ui'): void {
    record.deleted = true;
    record.deletedAt = this.now();
    record.modifiedAt = Math.max(this.now(), record.modifiedAt + 1);
    record.modifiedById = source === 'ui' ? UI_USER_ID : API_USER_ID;
  }

  all(sobject: SObjectName): SfRecord[] {
    return [...this.table(sobject).values()];
  }

  count(sobject: SObjectName): number {
    return this.all(sobject).filter((record) => !record.deleted).length;
  }

  clear(): void {
    for (const sobject of SOBJECTS) this.table(sobject).clear();
  }
}

/** The value of a field as the API shows it, system fields included. */
export function fieldValue(record: SfRecord, name: string): SfValue {
  switch (name) {
    case 'Id':
      return record.id;
    case 'IsDeleted':
      return record.deleted;
    case 'CreatedDate':
      return sfDateTime(record.createdAt);
    case 'LastModifiedDate':
    case 'SystemModstamp':
      return sfDateTime(record.modifiedAt);
    case 'CreatedById':
      return record.createdById;
    case 'LastModifiedById':
      return record.modifiedById;
    case 'Name':
      if (record.sobject === 'Contact' || record.sobject === 'Lead') {
        return [record.fields['FirstName'], record.fields['LastName']].filter((part) => typeof part === 'string' && part !== '').join(' ');
      }
      return record.fields['Name'] ?? null;
    default:
      return record.fields[name] ?? null;
  }
}
