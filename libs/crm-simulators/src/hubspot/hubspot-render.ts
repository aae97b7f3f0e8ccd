import { OBJECT_TYPE_DEFINITIONS, type PropertyDefinition } from './hubspot-schema';
import type { HubSpotStore, IndexedRecord } from './hubspot-store';

/**
 * A record as HubSpot's v3 object endpoints answer it: the requested
 * properties (or the object's defaults) plus the id and the two timestamps,
 * with `null` for requested properties that have no value.
 */
export function renderRecord(
  record: IndexedRecord,
  requested: readonly string[] | null,
  definitions: Map<string, PropertyDefinition>,
): Record<string, unknown> {
  const definition = OBJECT_TYPE_DEFINITIONS[record.objectType];
  const names = requested
    ? [
        ...new Set([
          ...requested.filter((name) => definitions.has(name)),
          definition.createdProperty,
          definition.lastModifiedProperty,
          'hs_object_id',
        ]),
      ]
    : definition.defaultProperties;
  const properties: Record<string, string | null> = {};
  for (const name of names) properties[name] = record.properties[name] ?? null;
  return {
    id: record.id,
    properties,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    archived: record.archived,
    ...(record.archived && record.archivedAt !== null ? { archivedAt: new Date(record.archivedAt).toISOString() } : {}),
  };
}

/** The `associations` block of a single-record read (`?associations=deals`). */
export function renderAssociations(store: HubSpotStore, record: IndexedRecord, types: readonly string[]): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const name of types) {
    const toType = (['contacts', 'deals', 'notes', 'communications', 'tasks'] as const).find(
      (candidate) => candidate === name || OBJECT_TYPE_DEFINITIONS[candidate].singular === name,
    );
    if (!toType) continue;
    const links = store.associationsOf(record.objectType, record.id, toType);
    if (links.length === 0) continue;
    out[toType] = {
      results: links.map((link) => ({
        id: link.toId,
        type: `${OBJECT_TYPE_DEFINITIONS[record.objectType].singular}_to_${OBJECT_TYPE_DEFINITIONS[toType].singular}`,
      })),
    };
  }
  return Object.keys(out).length > 0 ? out : null;
}

export function renderProperty(property: PropertyDefinition, objectType: string): Record<string, unknown> {
  return {
    name: property.name,
    label: property.label,
    type: property.type,
    fieldType: property.fieldType,
    groupName: `${objectType}information`,
    options: (property.options ?? []).map((value, index) => ({ label: value, value, displayOrder: index, hidden: false })),
    hasUniqueValue: property.unique === true,
    hidden: false,
    formField: !property.readOnly,
    calculated: false,
    externalOptions: false,
    modificationMetadata: {
      archivable: property.custom === true,
      readOnlyDefinition: property.custom !== true,
      readOnlyValue: property.readOnly === true,
    },
    hubspotDefined: property.custom !== true,
    archived: false,
  };
}
