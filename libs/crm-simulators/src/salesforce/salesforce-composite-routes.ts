import { sendJson } from '../common/http-kit';
import { sfError, SfValidationError } from './salesforce-errors';
import { renderSfRecord, type SfRouteContext, sfJsonBody, sfJsonObject } from './salesforce-http';
import { normaliseId } from './salesforce-ids';
import { fieldNamed, type SObjectName, sobjectFromPath } from './salesforce-schema';
import type { SfRecord, SfValue } from './salesforce-store';

interface ItemError {
  statusCode: string;
  message: string;
  fields: string[];
}

type Planned = { ok: true; run: () => { id: string; created?: boolean } } | { ok: false; error: ItemError };

function itemError(error: unknown): ItemError {
  if (error instanceof SfValidationError)
    return { statusCode: error.error.errorCode, message: error.error.message, fields: error.error.fields ?? [] };
  throw error;
}

function recordsOf(body: Record<string, unknown>): { allOrNone: boolean; records: Record<string, unknown>[] } {
  const records = body['records'];
  if (!Array.isArray(records) || records.length === 0) throw sfError(400, 'INVALID_FIELD', 'records: give a list of 1 to 200 sObjects');
  if (records.length > 200)
    throw sfError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
  return { allOrNone: body['allOrNone'] === true, records: records.map((record) => sfJsonObject(record)) };
}

function typeOf(record: Record<string, unknown>): SObjectName {
  const attributes = record['attributes'];
  const type =
    typeof attributes === 'object' && attributes !== null && 'type' in attributes && typeof attributes.type === 'string'
      ? attributes.type
      : null;
  const sobject = type ? sobjectFromPath(type) : null;
  if (!sobject)
    throw new SfValidationError({ message: 'Each record needs attributes.type naming a supported sObject', errorCode: 'INVALID_TYPE' });
  return sobject;
}

/** Runs planned writes: with allOrNone, one failure stores nothing and every item reports it. */
function execute(plans: Planned[], allOrNone: boolean): Record<string, unknown>[] {
  if (allOrNone && plans.some((plan) => !plan.ok)) {
    return plans.map((plan) => ({
      success: false,
      errors: [
        plan.ok
          ? {
              statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
              message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
              fields: [],
            }
          : plan.error,
      ],
    }));
  }
  return plans.map((plan) => {
    if (!plan.ok) return { success: false, errors: [plan.error] };
    const result = plan.run();
    return { id: result.id, success: true, errors: [], ...(result.created === undefined ? {} : { created: result.created }) };
  });
}

/** sObject Collections: create, update, upsert by external id, read and delete up to 200 records per call. */
export async function compositeRoute(context: SfRouteContext): Promise<boolean> {
  const { core, request, response, url, rest } = context;
  const { store } = core;
  const method = request.method ?? 'GET';
  const upsert = /^\/composite\/sobjects\/([^/]+)\/([^/]+)$/.exec(rest);
  const read = /^\/composite\/sobjects\/([^/]+)$/.exec(rest);
  if (rest === '/composite/sobjects' && method === 'POST') {
    const { allOrNone, records } = recordsOf(sfJsonObject(await sfJsonBody(context)));
    const plans = records.map((record): Planned => {
      try {
        const sobject = typeOf(record);
        if ('Id' in record || 'id' in record)
          throw new SfValidationError({ message: 'cannot specify Id in an insert call', errorCode: 'INVALID_FIELD' });
        const values = store.prepare(sobject, record, 'create', null);
        return { ok: true, run: () => ({ id: store.create(sobject, values, 'api').id }) };
      } catch (error) {
        return { ok: false, error: itemError(error) };
      }
    });
    sendJson(response, 200, execute(plans, allOrNone));
    return true;
  }
  if (rest === '/composite/sobjects' && method === 'PATCH') {
    const { allOrNone, records } = recordsOf(sfJsonObject(await sfJsonBody(context)));
    const plans = records.map((record): Planned => {
      try {
        const sobject = typeOf(record);
        const rawId = typeof record['id'] === 'string' ? record['id'] : typeof record['Id'] === 'string' ? record['Id'] : '';
        const existing = store.get(sobject, rawId);
        if (!existing) throw new SfValidationError({ message: 'invalid cross reference id', errorCode: 'INVALID_CROSS_REFERENCE_KEY' });
        const { id: _id, Id: _Id, ...fields } = record;
        const values = store.prepare(sobject, fields, 'update', existing.id);
        return {
          ok: true,
          run: () => {
            store.update(existing, values, 'api');
            return { id: existing.id };
          },
        };
      } catch (error) {
        return { ok: false, error: itemError(error) };
      }
    });
    sendJson(response, 200, execute(plans, allOrNone));
    return true;
  }
  if (upsert?.[1] && upsert[2] && method === 'PATCH') {
    const sobject = sobjectFromPath(decodeURIComponent(upsert[1]));
    const field = sobject ? fieldNamed(sobject, decodeURIComponent(upsert[2])) : null;
    if (!sobject || !field?.externalId)
      throw sfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${upsert[2]}`);
    const { allOrNone, records } = recordsOf(sfJsonObject(await sfJsonBody(context)));
    const claimed = new Set<string>();
    const plans = records.map((record): Planned => {
      try {
        if (typeOf(record) !== sobject) throw new SfValidationError({ message: `Records must be ${sobject}`, errorCode: 'INVALID_TYPE' });
        const key = record[field.name];
        if (typeof key !== 'string' || key === '')
          throw new SfValidationError({
            message: `${field.name} is required for upsert`,
            errorCode: 'MISSING_ARGUMENT',
            fields: [field.name],
          });
        if (claimed.has(key.toLowerCase()))
          throw new SfValidationError({
            message: `Duplicate external id specified: ${key}`,
            errorCode: 'DUPLICATE_EXTERNAL_ID',
            fields: [field.name],
          });
        claimed.add(key.toLowerCase());
        const matches: SfRecord[] = store.byExternalId(sobject, field, key);
        if (matches.length > 1) {
          throw new SfValidationError({
            message: `${field.name}: more than one record found for external id field: [${matches.map((match) => match.id).join(', ')}]`,
            errorCode: 'DUPLICATE_EXTERNAL_ID',
            fields: [field.name],
          });
        }
        const existing = matches[0];
        const { [field.name]: _key, ...rest2 } = record;
        if (existing) {
          const values = store.prepare(sobject, rest2, 'update', existing.id);
          return {
            ok: true,
            run: () => {
              store.update(existing, values, 'api');
              return { id: existing.id, created: false };
            },
          };
        }
        const values: Record<string, SfValue> = store.prepare(sobject, record, 'create', null);
        return { ok: true, run: () => ({ id: store.create(sobject, values, 'api').id, created: true }) };
      } catch (error) {
        return { ok: false, error: itemError(error) };
      }
    });
    sendJson(response, 200, execute(plans, allOrNone));
    return true;
  }
  if (read?.[1] && method === 'GET') {
    const sobject = sobjectFromPath(decodeURIComponent(read[1]));
    if (!sobject) throw sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter((id) => id !== '');
    if (ids.length === 0 || ids.length > 2000) throw sfError(400, 'INVALID_FIELD', 'ids: give 1 to 2,000 record ids');
    const fieldNames = (url.searchParams.get('fields') ?? '').split(',').filter((name) => name !== '');
    if (fieldNames.length === 0) throw sfError(400, 'INVALID_FIELD', 'fields: name the fields to read');
    const fields = fieldNames.map((name) => {
      const field = fieldNamed(sobject, name);
      if (!field) throw sfError(400, 'INVALID_FIELD', `No such column '${name}' on entity '${sobject}'`);
      return field;
    });
    sendJson(
      response,
      200,
      ids.map((id) => {
        const record = normaliseId(id) === null ? null : store.get(sobject, id);
        return record ? renderSfRecord(context, record, fields) : null;
      }),
    );
    return true;
  }
  if (rest === '/composite/sobjects' && method === 'DELETE') {
    const ids = (url.searchParams.get('ids') ?? '').split(',').filter((id) => id !== '');
    if (ids.length === 0 || ids.length > 200) throw sfError(400, 'INVALID_FIELD', 'ids: give 1 to 200 record ids');
    const allOrNone = url.searchParams.get('allOrNone') === 'true';
    const plans = ids.map((id): Planned => {
      const record = ['Contact', 'Lead', 'Opportunity', 'Task']
        .map((name) => sobjectFromPath(name))
        .flatMap((name) => (name ? [store.get(name, id)] : []))
        .find((found) => found !== null);
      if (!record) return { ok: false, error: { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] } };
      return {
        ok: true,
        run: () => {
          store.remove(record, 'api');
          return { id: record.id };
        },
      };
    });
    sendJson(response, 200, execute(plans, allOrNone));
    return true;
  }
  return false;
}
