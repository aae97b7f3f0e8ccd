import { fieldOf, MODULE_FIELDS, type ZohoModule } from './zoho-schema';
import { API_USER, MODULE_IDS, UI_USER, type ZohoRecord, type ZohoStore, type ZohoUser, zohoTime } from './zoho-store';

function user(value: ZohoUser): Record<string, string> {
  return { name: value.name, id: value.id, email: value.email };
}

function renderValue(store: ZohoStore, record: ZohoRecord, apiName: string): unknown {
  const value = record.fields[apiName];
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value;
  const field = fieldOf(record.module, apiName);
  if (field?.dataType === 'ownerlookup') {
    return user(value.id === UI_USER.id ? UI_USER : API_USER);
  }
  const module = 'module' in value ? value.module : undefined;
  const name = module ? store.nameOf(module, value.id) : null;
  if (apiName === 'Parent_Id' && module) return { module: { api_name: module, id: MODULE_IDS[module] }, name, id: value.id };
  return { name, id: value.id };
}

/** A record as Zoho's record APIs answer it; `fields` limits it to those fields (plus `id`). */
export function renderZohoRecord(store: ZohoStore, record: ZohoRecord, fields: readonly string[] | null): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: record.id,
    Created_Time: zohoTime(record.createdAt),
    Modified_Time: zohoTime(record.modifiedAt),
    Created_By: user(record.createdBy),
    Modified_By: user(record.modifiedBy),
  };
  for (const field of MODULE_FIELDS[record.module]) all[field.apiName] = renderValue(store, record, field.apiName);
  const what = record.fields['What_Id'];
  if (what && typeof what === 'object' && 'module' in what) all['$se_module'] = what.module;
  if (!fields) return all;
  const out: Record<string, unknown> = { id: record.id };
  for (const name of fields) if (name in all) out[name] = all[name];
  return out;
}

/** The `details` of a successful write. */
export function writeDetails(record: ZohoRecord): Record<string, unknown> {
  return {
    Modified_Time: zohoTime(record.modifiedAt),
    Modified_By: { name: record.modifiedBy.name, id: record.modifiedBy.id },
    Created_Time: zohoTime(record.createdAt),
    id: record.id,
    Created_By: { name: record.createdBy.name, id: record.createdBy.id },
    $approval_state: 'approved',
  };
}

export function renderField(module: ZohoModule, apiName: string, unique: boolean): Record<string, unknown> {
  const field = fieldOf(module, apiName);
  if (!field) return {};
  return {
    api_name: field.apiName,
    field_label: field.label,
    display_label: field.label,
    data_type: field.dataType,
    length: field.length,
    system_mandatory: field.mandatory === true,
    unique: unique ? { casesensitive: false } : {},
    pick_list_values: (field.picklist ?? []).map((value) => ({ display_value: value, actual_value: value })),
    ...(field.lookup ? { lookup: { module: { api_name: field.lookup[0] } } } : {}),
  };
}
