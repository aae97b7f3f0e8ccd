import { LaggedIndex } from '../common/lagged-index';
import { zohoItemError, type ZohoErrorItem } from './zoho-errors';
import { fieldOf, MODULE_FIELDS, SYSTEM_FIELDS, ZOHO_MODULES, type ZohoField, type ZohoModule } from './zoho-schema';

export interface ZohoUser {
  name: string;
  id: string;
  email: string;
}

/** The user the OAuth tokens belong to, and the person who edits in the CRM's own screens. */
export const API_USER: ZohoUser = { name: 'Parley Integration', id: '5725767000000411001', email: 'integration@example.com' };
export const UI_USER: ZohoUser = { name: 'Patricia Boyle', id: '5725767000000411002', email: 'patricia.boyle@example.com' };
const USERS = [API_USER, UI_USER];

/** Module ids, as the `module` of a Notes parent carries them. */
export const MODULE_IDS: Record<ZohoModule, string> = {
  Leads: '5725767000000002175',
  Contacts: '5725767000000002179',
  Deals: '5725767000000002181',
  Notes: '5725767000000002185',
  Tasks: '5725767000000002187',
};

export type FieldValue = string | number | boolean | null | { id: string; module?: ZohoModule } | { id: string };

export interface ZohoRecord {
  id: string;
  module: ZohoModule;
  fields: Record<string, FieldValue>;
  createdAt: number;
  modifiedAt: number;
  createdBy: ZohoUser;
  modifiedBy: ZohoUser;
  deleted: boolean;
  deletedAt: number | null;
  deletedBy: ZohoUser | null;
}

export type Source = 'api' | 'ui';

export interface ZohoChange {
  operation: 'insert' | 'update' | 'delete';
  module: ZohoModule;
  id: string;
  fields: string[];
  source: Source;
  at: number;
}

/** Zoho answers times to the second, with an offset: `2024-05-01T10:00:00+00:00`. */
export function zohoTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function lookupId(value: unknown): string | null {
  if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return value;
  if (typeof value === 'object' && value !== null && 'id' in value) {
    const id = value.id;
    if (typeof id === 'string' && /^\d{1,19}$/.test(id)) return id;
    if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  }
  return null;
}

function parentModule(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || !('module' in value)) return null;
  const module = value.module;
  if (typeof module === 'object' && module !== null && 'api_name' in module && typeof module.api_name === 'string') return module.api_name;
  return null;
}

/** The records of one simulated Zoho CRM org, with Zoho's field validation. */
export class ZohoStore {
  private readonly records = new Map<ZohoModule, Map<string, ZohoRecord>>();
  private readonly indexes = new Map<ZohoModule, LaggedIndex<ZohoRecord>>();
  private nextId = 1;
  /** Sorted lists of live records per module and order, dropped on every write (paging reads them). */
  private readonly lists = new Map<string, ZohoRecord[]>();
  private readonly listeners: ((change: ZohoChange) => void)[] = [];

  constructor(
    private readonly now: () => number,
    public searchLagMs: number,
    private readonly uniqueFields: Record<ZohoModule, string[]>,
  ) {
    for (const module of ZOHO_MODULES) {
      this.records.set(module, new Map());
      this.indexes.set(module, new LaggedIndex());
    }
  }

  onChange(listener: (change: ZohoChange) => void): void {
    this.listeners.push(listener);
  }

  table(module: ZohoModule): Map<string, ZohoRecord> {
    const table = this.records.get(module);
    if (!table) throw new Error(`unknown module ${module}`);
    return table;
  }

  get(module: ZohoModule, id: string): ZohoRecord | null {
    const record = this.table(module).get(id);
    return record && !record.deleted ? record : null;
  }

  isUnique(module: ZohoModule, apiName: string): boolean {
    return this.uniqueFields[module].includes(apiName);
  }

  /** Live records whose field equals `value` (case-insensitive for text). */
  matching(module: ZohoModule, apiName: string, value: FieldValue): ZohoRecord[] {
    const wanted = typeof value === 'string' ? value.toLowerCase() : value;
    const found: ZohoRecord[] = [];
    for (const record of this.table(module).values()) {
      if (record.deleted) continue;
      const current = record.fields[apiName];
      if ((typeof current === 'string' ? current.toLowerCase() : current) === wanted && current !== null && current !== undefined)
        found.push(record);
    }
    return found;
  }

  /**
   * Checks one record of a write; returns the values to store, or the error
   * Zoho reports for that record (`json_path` points into the request).
   */
  prepare(
    module: ZohoModule,
    input: Record<string, unknown>,
    mode: 'insert' | 'update',
    index: number,
    selfId: string | null,
  ): { values: Record<string, FieldValue> } | { error: ZohoErrorItem } {
    const values: Record<string, FieldValue> = {};
    const path = (apiName: string) => `$.data[${index}].${apiName}`;
    for (const [apiName, raw] of Object.entries(input)) {
      if (SYSTEM_FIELDS.has(apiName) || apiName.startsWith('$')) continue;
      const field = fieldOf(module, apiName);
      if (!field)
        return {
          error: zohoItemError('INVALID_DATA', 'the field api name given seems to be invalid', {
            api_name: apiName,
            json_path: path(apiName),
          }),
        };
      const checked = this.checkField(module, field, raw, path(apiName));
      if ('error' in checked) return checked;
      values[apiName] = checked.value;
    }
    if (mode === 'insert') {
      for (const field of MODULE_FIELDS[module]) {
        const value = values[field.apiName];
        if (field.mandatory && (value === undefined || value === null || value === '')) {
          return {
            error: zohoItemError('MANDATORY_NOT_FOUND', 'required field not found', {
              api_name: field.apiName,
              json_path: path(field.apiName),
            }),
          };
        }
      }
    } else {
      for (const field of MODULE_FIELDS[module]) {
        if (field.mandatory && field.apiName in values && (values[field.apiName] === null || values[field.apiName] === '')) {
          return {
            error: zohoItemError('MANDATORY_NOT_FOUND', 'required field not found', {
              api_name: field.apiName,
              json_path: path(field.apiName),
            }),
          };
        }
      }
    }
    for (const apiName of this.uniqueFields[module]) {
      const value = values[apiName];
      if (value === undefined || value === null || value === '') continue;
      const duplicate = this.matching(module, apiName, value).find((record) => record.id !== selfId);
      if (duplicate) {
        return {
          error: zohoItemError('DUPLICATE_DATA', 'duplicate data', {
            api_name: apiName,
            json_path: path(apiName),
            duplicate_record: {
              id: duplicate.id,
              module: { api_name: module, id: MODULE_IDS[module] },
              Owner: { name: API_USER.name, id: API_USER.id },
            },
            more_records: false,
          }),
        };
      }
    }
    return { values };
  }

  private checkField(
    module: ZohoModule,
    field: ZohoField,
    raw: unknown,
    jsonPath: string,
  ): { value: FieldValue } | { error: ZohoErrorItem } {
    const invalid = (extra: Record<string, unknown> = {}) => ({
      error: zohoItemError('INVALID_DATA', 'invalid data', { api_name: field.apiName, json_path: jsonPath, ...extra }),
    });
    if (raw === null) return { value: null };
    switch (field.dataType) {
      case 'text':
      case 'textarea':
      case 'phone':
      case 'email': {
        if (typeof raw !== 'string') return invalid({ expected_data_type: field.dataType });
        if (raw.length > field.length) return invalid({ maximum_length: field.length });
        if (field.dataType === 'email' && raw !== '' && !EMAIL.test(raw)) return invalid({ expected_data_type: 'email' });
        return { value: raw };
      }
      case 'picklist':
        if (typeof raw !== 'string') return invalid({ expected_data_type: 'picklist' });
        if (field.picklist && !field.picklist.includes(raw)) return invalid({ supported_values: [...field.picklist] });
        return { value: raw };
      case 'currency':
        if (typeof raw !== 'number' || !Number.isFinite(raw)) return invalid({ expected_data_type: 'double' });
        return { value: raw };
      case 'date':
        if (typeof raw !== 'string' || !DATE.test(raw) || Number.isNaN(Date.parse(raw))) return invalid({ expected_data_type: 'date' });
        return { value: raw };
      case 'boolean':
        if (typeof raw !== 'boolean') return invalid({ expected_data_type: 'boolean' });
        return { value: raw };
      case 'ownerlookup': {
        const id = lookupId(raw);
        if (id === null || !USERS.some((user) => user.id === id)) return invalid({ expected_data_type: 'ownerlookup' });
        return { value: { id } };
      }
      case 'lookup': {
        const id = lookupId(raw);
        if (id === null) return invalid({ expected_data_type: 'lookup' });
        const targets = field.lookup ?? [];
        if (field.apiName === 'Parent_Id') {
          const named = parentModule(raw);
          const target = targets.find((candidate) => candidate === named);
          if (!target)
            return {
              error: zohoItemError('MANDATORY_NOT_FOUND', 'required field not found', {
                api_name: 'module',
                json_path: `${jsonPath}.module`,
              }),
            };
          if (!this.get(target, id))
            return {
              error: zohoItemError('INVALID_DATA', 'the related id given seems to be invalid', {
                api_name: field.apiName,
                json_path: `${jsonPath}.id`,
              }),
            };
          return { value: { id, module: target } };
        }
        const target = targets.find((candidate) => this.get(candidate, id) !== null);
        if (!target)
          return {
            error: zohoItemError('INVALID_DATA', 'the related id given seems to be invalid', {
              api_name: field.apiName,
              json_path: jsonPath,
            }),
          };
        return { value: { id, module: target } };
      }
    }
  }

  private newId(): string {
    const id = `5725767000${String(this.nextId).padStart(9, '0')}`;
    this.nextId += 1;
    return id;
  }

  insert(
    module: ZohoModule,
    values: Record<string, FieldValue>,
    source: Source,
    options: { silent?: boolean; at?: number } = {},
  ): ZohoRecord {
    const at = options.at ?? this.now();
    const user = source === 'ui' ? UI_USER : API_USER;
    const record: ZohoRecord = {
      id: this.newId(),
      module,
      fields: { Owner: { id: user.id }, ...values },
      createdAt: at,
      modifiedAt: at,
      createdBy: user,
      modifiedBy: user,
      deleted: false,
      deletedAt: null,
      deletedBy: null,
    };
    this.table(module).set(record.id, record);
    this.forget(module);
    this.reindex(record, options.silent === true);
    if (options.silent !== true) this.emit({ operation: 'insert', module, id: record.id, fields: Object.keys(values), source, at });
    return record;
  }

  update(record: ZohoRecord, values: Record<string, FieldValue>, source: Source): ZohoRecord {
    const changed = Object.keys(values).filter(
      (apiName) => JSON.stringify(record.fields[apiName] ?? null) !== JSON.stringify(values[apiName]),
    );
    Object.assign(record.fields, values);
    this.forget(record.module);
    record.modifiedAt = Math.max(this.now(), record.modifiedAt + 1);
    record.modifiedBy = source === 'ui' ? UI_USER : API_USER;
    this.reindex(record, false);
    if (changed.length > 0)
      this.emit({ operation: 'update', module: record.module, id: record.id, fields: changed, source, at: record.modifiedAt });
    return record;
  }

  remove(record: ZohoRecord, source: Source): void {
    if (record.deleted) return;
    record.deleted = true;
    this.forget(record.module);
    record.deletedAt = this.now();
    record.deletedBy = source === 'ui' ? UI_USER : API_USER;
    this.index(record.module).put(record.id, null, this.now() + this.searchLagMs);
    this.emit({ operation: 'delete', module: record.module, id: record.id, fields: [], source, at: record.deletedAt });
  }

  private index(module: ZohoModule): LaggedIndex<ZohoRecord> {
    const index = this.indexes.get(module);
    if (!index) throw new Error(`unknown module ${module}`);
    return index;
  }

  private reindex(record: ZohoRecord, immediately: boolean): void {
    const snapshot: ZohoRecord = { ...record, fields: { ...record.fields } };
    this.index(record.module).put(record.id, snapshot, immediately ? this.now() : this.now() + this.searchLagMs);
  }

  searchable(module: ZohoModule): Generator<[string, ZohoRecord]> {
    return this.index(module).entries(this.now());
  }

  live(module: ZohoModule): ZohoRecord[] {
    return [...this.table(module).values()].filter((record) => !record.deleted);
  }

  deleted(module: ZohoModule): ZohoRecord[] {
    return [...this.table(module).values()].filter((record) => record.deleted);
  }

  /** A display name for lookups (`{name, id}`). */
  nameOf(module: ZohoModule, id: string): string | null {
    const record = this.table(module).get(id);
    if (!record) return null;
    const fields = record.fields;
    const parts = [fields['First_Name'], fields['Last_Name']].filter((part): part is string => typeof part === 'string' && part !== '');
    if (parts.length > 0) return parts.join(' ');
    for (const key of ['Deal_Name', 'Subject', 'Note_Title']) {
      const value = fields[key];
      if (typeof value === 'string') return value;
    }
    return null;
  }

  /** The live records of a module in an order, built once until the next write to the module. */
  sortedLive(module: ZohoModule, order: string, sort: (records: ZohoRecord[]) => ZohoRecord[]): ZohoRecord[] {
    const key = `${module}|${order}`;
    let list = this.lists.get(key);
    if (!list) {
      list = sort(this.live(module));
      this.lists.set(key, list);
    }
    return list;
  }

  private emit(change: ZohoChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private forget(module: ZohoModule): void {
    for (const key of [...this.lists.keys()]) if (key.startsWith(`${module}|`)) this.lists.delete(key);
  }

  clear(): void {
    this.lists.clear();
    for (const module of ZOHO_MODULES) {
      this.table(module).clear();
      this.index(module).clear();
    }
  }
}
