import { LaggedIndex } from '../common/lagged-index';
import { hubSpotError, notFound, type PropertyProblem, propertyValuesError, validationError } from './hubspot-errors';
import {
  BUILT_IN_PROPERTIES,
  DEFAULT_DEAL_PIPELINES,
  defaultAssociationType,
  HUBSPOT_OBJECT_TYPES,
  type HubSpotObjectType,
  OBJECT_TYPE_DEFINITIONS,
  type Pipeline,
  type PropertyDefinition,
} from './hubspot-schema';

export type PropertyValues = Record<string, string | null>;

export interface HubRecord {
  id: string;
  objectType: HubSpotObjectType;
  properties: PropertyValues;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt: number | null;
}

/** A record as search sees it (a copy taken at write time). */
export type IndexedRecord = Omit<HubRecord, 'properties'> & { properties: PropertyValues };

export type ChangeSource = 'api' | 'ui';

export interface StoreChange {
  kind: 'created' | 'updated' | 'deleted';
  objectType: HubSpotObjectType;
  id: string;
  /** Properties whose value changed, with the new value. */
  changed: PropertyValues;
  source: ChangeSource;
  at: number;
}

/** A raw property value as clients send it (HubSpot accepts strings, numbers and booleans). */
export type InputValue = string | number | boolean | null;

export interface Association {
  toType: HubSpotObjectType;
  toId: string;
  typeIds: Set<number>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The records, associations and schema of one simulated portal. */
export class HubSpotStore {
  private readonly records = new Map<HubSpotObjectType, Map<string, HubRecord>>();
  private readonly indexes = new Map<HubSpotObjectType, LaggedIndex<IndexedRecord>>();
  private readonly properties = new Map<HubSpotObjectType, Map<string, PropertyDefinition>>();
  private readonly emails = new Map<string, string>();
  private readonly associations = new Map<string, Map<string, Association>>();
  readonly pipelines: Pipeline[] = structuredClone([...DEFAULT_DEAL_PIPELINES]);
  private nextId = 10_001;
  /** Ids in numeric order per object type, rebuilt after a create (lists page through them). */
  private readonly sortedIds = new Map<HubSpotObjectType, string[]>();
  private readonly listeners: ((change: StoreChange) => void)[] = [];

  constructor(
    private readonly portalId: number,
    private readonly now: () => number,
    public searchLagMs: number,
  ) {
    for (const type of HUBSPOT_OBJECT_TYPES) {
      this.records.set(type, new Map());
      this.indexes.set(type, new LaggedIndex());
      this.properties.set(type, new Map(BUILT_IN_PROPERTIES[type].map((property) => [property.name, { ...property }])));
    }
  }

  onChange(listener: (change: StoreChange) => void): void {
    this.listeners.push(listener);
  }

  table(type: HubSpotObjectType): Map<string, HubRecord> {
    const table = this.records.get(type);
    if (!table) throw new Error(`unknown object type ${type}`);
    return table;
  }

  private index(type: HubSpotObjectType): LaggedIndex<IndexedRecord> {
    const index = this.indexes.get(type);
    if (!index) throw new Error(`unknown object type ${type}`);
    return index;
  }

  propertyDefinitions(type: HubSpotObjectType): Map<string, PropertyDefinition> {
    const properties = this.properties.get(type);
    if (!properties) throw new Error(`unknown object type ${type}`);
    return properties;
  }

  addProperty(type: HubSpotObjectType, property: PropertyDefinition): void {
    this.propertyDefinitions(type).set(property.name, { ...property, custom: true });
  }

  get(type: HubSpotObjectType, id: string, includeArchived = false): HubRecord | null {
    const record = this.table(type).get(id);
    if (!record || (record.archived && !includeArchived)) return null;
    return record;
  }

  /** Finds a live record by a unique property (`email`) or by `hs_object_id`. */
  findBy(type: HubSpotObjectType, idProperty: string | undefined, value: string): HubRecord | null {
    if (idProperty === undefined || idProperty === 'hs_object_id') return this.get(type, value);
    if (type === 'contacts' && idProperty === 'email') {
      const id = this.emails.get(value.toLowerCase());
      return id === undefined ? null : this.get(type, id);
    }
    for (const record of this.table(type).values()) {
      if (!record.archived && record.properties[idProperty] === value) return record;
    }
    return null;
  }

  isUniqueProperty(type: HubSpotObjectType, name: string): boolean {
    return name === 'hs_object_id' || this.propertyDefinitions(type).get(name)?.unique === true;
  }

  /**
   * Checks and normalises property values for a write. Everything is checked
   * before anything is written, and all problems are reported together.
   */
  normalise(
    type: HubSpotObjectType,
    input: Record<string, InputValue>,
    mode: 'create' | 'update',
    where = 'properties',
    selfId: string | null = null,
  ): PropertyValues {
    const definitions = this.propertyDefinitions(type);
    const problems: PropertyProblem[] = [];
    const out: PropertyValues = {};
    for (const [name, raw] of Object.entries(input)) {
      const definition = definitions.get(name);
      if (!definition) {
        problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
        continue;
      }
      if (definition.readOnly) {
        problems.push({ name, error: 'READ_ONLY_VALUE', message: `"${name}" is a read only property; its value cannot be set.` });
        continue;
      }
      if (raw === null || raw === '') {
        out[name] = raw === null ? null : '';
        continue;
      }
      const value = String(raw);
      const problem = this.checkValue(definition, value);
      if (problem) problems.push(problem);
      else out[name] = definition.type === 'datetime' ? normaliseDate(value) : value;
    }
    if (mode === 'create') {
      for (const name of OBJECT_TYPE_DEFINITIONS[type].required) {
        if (out[name] === undefined || out[name] === null || out[name] === '') {
          problems.push({ name, error: 'REQUIRED', message: `Property "${name}" is required` });
        }
      }
    }
    if (type === 'deals') this.checkDealStage(out, problems, selfId);
    if (problems.length > 0) throw propertyValuesError(problems, this.portalId, where);
    if (type === 'contacts' && typeof out['email'] === 'string' && out['email'] !== '') {
      const existing = this.emails.get(out['email'].toLowerCase());
      if (existing !== undefined && existing !== selfId) {
        throw hubSpotError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existing}`);
      }
    }
    return out;
  }

  private checkValue(definition: PropertyDefinition, value: string): PropertyProblem | null {
    switch (definition.type) {
      case 'number':
        return Number.isFinite(Number(value))
          ? null
          : { name: definition.name, error: 'INVALID_INTEGER', message: `${value} is not a valid number for ${definition.name}` };
      case 'datetime':
        return normaliseDate(value) === null
          ? { name: definition.name, error: 'INVALID_DATE', message: `${value} is not a valid date for ${definition.name}` }
          : null;
      case 'enumeration':
        return definition.options?.includes(value)
          ? null
          : {
              name: definition.name,
              error: 'INVALID_OPTION',
              message: `${value} was not one of the allowed options: [${(definition.options ?? []).join(', ')}]`,
            };
      case 'bool':
        return value === 'true' || value === 'false'
          ? null
          : { name: definition.name, error: 'INVALID_OPTION', message: `${value} is not true or false` };
      case 'string':
        if (definition.name === 'email' && !EMAIL.test(value)) {
          return { name: 'email', error: 'INVALID_EMAIL', message: `Email address ${value} is invalid` };
        }
        return null;
    }
  }

  private checkDealStage(values: PropertyValues, problems: PropertyProblem[], selfId: string | null): void {
    const current = selfId === null ? null : this.get('deals', selfId);
    const pipelineId = values['pipeline'] ?? current?.properties['pipeline'] ?? 'default';
    const pipeline = this.pipelines.find((candidate) => candidate.id === pipelineId);
    if (values['pipeline'] !== undefined && !pipeline) {
      problems.push({ name: 'pipeline', error: 'INVALID_OPTION', message: `${String(values['pipeline'])} is not a valid pipeline` });
      return;
    }
    const stage = values['dealstage'];
    if (typeof stage === 'string' && stage !== '' && pipeline && !pipeline.stages.some((candidate) => candidate.id === stage)) {
      problems.push({
        name: 'dealstage',
        error: 'INVALID_OPTION',
        message: `${stage} was not one of the allowed options: [${pipeline.stages.map((candidate) => candidate.id).join(', ')}]`,
      });
    }
  }

  /**
   * Creates a record. `silent` (seeding through the control API) announces
   * nothing and makes the record searchable at once.
   */
  create(
    type: HubSpotObjectType,
    values: PropertyValues,
    source: ChangeSource,
    options: { id?: string; at?: number; silent?: boolean } = {},
  ): HubRecord {
    const at = options.at ?? this.now();
    const id = options.id ?? String(this.nextId++);
    if (options.id !== undefined && /^\d+$/.test(options.id)) this.nextId = Math.max(this.nextId, Number(options.id) + 1);
    const definition = OBJECT_TYPE_DEFINITIONS[type];
    const stamp = new Date(at).toISOString();
    const properties: PropertyValues = {
      ...values,
      hs_object_id: id,
      [definition.createdProperty]: stamp,
      [definition.lastModifiedProperty]: stamp,
    };
    if (type === 'deals' && properties['pipeline'] === undefined) properties['pipeline'] = 'default';
    const record: HubRecord = { id, objectType: type, properties, createdAt: at, updatedAt: at, archived: false, archivedAt: null };
    this.table(type).set(id, record);
    this.sortedIds.delete(type);
    this.indexEmail(record, null);
    this.reindex(record, at, options.silent === true);
    if (options.silent !== true) this.emit({ kind: 'created', objectType: type, id, changed: { ...values }, source, at });
    return record;
  }

  update(record: HubRecord, values: PropertyValues, source: ChangeSource): HubRecord {
    const at = Math.max(this.now(), record.updatedAt + 1);
    const changed: PropertyValues = {};
    for (const [name, value] of Object.entries(values)) {
      if ((record.properties[name] ?? null) !== value) changed[name] = value;
    }
    const previousEmail = record.properties['email'] ?? null;
    Object.assign(record.properties, values);
    record.updatedAt = at;
    record.properties[OBJECT_TYPE_DEFINITIONS[record.objectType].lastModifiedProperty] = new Date(at).toISOString();
    this.indexEmail(record, previousEmail);
    this.reindex(record, at);
    if (Object.keys(changed).length > 0) this.emit({ kind: 'updated', objectType: record.objectType, id: record.id, changed, source, at });
    return record;
  }

  archive(record: HubRecord, source: ChangeSource): void {
    if (record.archived) return;
    const at = this.now();
    record.archived = true;
    record.archivedAt = at;
    record.updatedAt = at;
    if (record.objectType === 'contacts' && record.properties['email']) this.emails.delete(record.properties['email'].toLowerCase());
    this.index(record.objectType).put(record.id, null, at + this.searchLagMs);
    this.emit({ kind: 'deleted', objectType: record.objectType, id: record.id, changed: {}, source, at });
  }

  private indexEmail(record: HubRecord, previous: string | null): void {
    if (record.objectType !== 'contacts') return;
    if (previous) this.emails.delete(previous.toLowerCase());
    const email = record.properties['email'];
    if (email) this.emails.set(email.toLowerCase(), record.id);
  }

  /** Records a version for search; `immediately` skips the lag (seeding through the control API). */
  reindex(record: HubRecord, at: number, immediately = false): void {
    const snapshot: IndexedRecord = { ...record, properties: { ...record.properties } };
    this.index(record.objectType).put(record.id, snapshot, immediately ? at : at + this.searchLagMs);
  }

  searchable(type: HubSpotObjectType): Generator<[string, IndexedRecord]> {
    return this.index(type).entries(this.now());
  }

  pendingInSearch(type: HubSpotObjectType): number {
    return this.index(type).pendingCount(this.now());
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private key(type: HubSpotObjectType, id: string): string {
    return `${type}:${id}`;
  }

  /** Associates two records in both directions (the reverse with its own default type id). */
  associate(fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType, toId: string, typeId: number): void {
    if (!this.get(fromType, fromId)) throw notFound(`No ${OBJECT_TYPE_DEFINITIONS[fromType].singular} with ID ${fromId} exists`);
    if (!this.get(toType, toId)) throw notFound(`No ${OBJECT_TYPE_DEFINITIONS[toType].singular} with ID ${toId} exists`);
    const expected = defaultAssociationType(fromType, toType);
    const reverse = defaultAssociationType(toType, fromType);
    if (expected === null || reverse === null) {
      throw validationError(`Association from ${fromType} to ${toType} is not supported by the simulator`);
    }
    if (typeId !== expected)
      throw validationError(`${typeId} is not a valid association type id from ${fromType} to ${toType}; use ${expected}`);
    this.link(fromType, fromId, toType, toId, typeId);
    this.link(toType, toId, fromType, fromId, reverse);
  }

  private link(fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType, toId: string, typeId: number): void {
    const fromKey = this.key(fromType, fromId);
    const links = this.associations.get(fromKey) ?? new Map<string, Association>();
    const toKey = this.key(toType, toId);
    const existing = links.get(toKey) ?? { toType, toId, typeIds: new Set<number>() };
    existing.typeIds.add(typeId);
    links.set(toKey, existing);
    this.associations.set(fromKey, links);
  }

  dissociate(fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType, toId: string): void {
    this.associations.get(this.key(fromType, fromId))?.delete(this.key(toType, toId));
    this.associations.get(this.key(toType, toId))?.delete(this.key(fromType, fromId));
  }

  associationsOf(fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType): Association[] {
    const links = this.associations.get(this.key(fromType, fromId));
    if (!links) return [];
    return [...links.values()]
      .filter((link) => link.toType === toType && this.get(link.toType, link.toId) !== null)
      .sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  /** Records in id order from the first id ≥ `after`, archived or live as asked, at most `limit`. */
  page(type: HubSpotObjectType, after: number | null, archived: boolean, limit: number): HubRecord[] {
    let ids = this.sortedIds.get(type);
    if (!ids) {
      ids = [...this.table(type).keys()].sort((a, b) => Number(a) - Number(b));
      this.sortedIds.set(type, ids);
    }
    let low = 0;
    let high = ids.length;
    while (after !== null && low < high) {
      const middle = (low + high) >> 1;
      if (Number(ids[middle]) < after) low = middle + 1;
      else high = middle;
    }
    const out: HubRecord[] = [];
    for (let index = low; index < ids.length && out.length < limit; index += 1) {
      const record = this.table(type).get(ids[index] ?? '');
      if (record && record.archived === archived) out.push(record);
    }
    return out;
  }

  count(type: HubSpotObjectType): number {
    let live = 0;
    for (const record of this.table(type).values()) if (!record.archived) live += 1;
    return live;
  }

  clear(): void {
    this.sortedIds.clear();
    for (const type of HUBSPOT_OBJECT_TYPES) {
      this.table(type).clear();
      this.index(type).clear();
    }
    this.emails.clear();
    this.associations.clear();
  }
}

/** HubSpot takes datetimes as epoch milliseconds or ISO 8601, and answers ISO 8601. */
export function normaliseDate(value: string): string | null {
  if (/^\d{1,15}$/.test(value)) {
    const date = new Date(Number(value));
    return Number.isNaN(date.getTime()) ? null : date.toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
