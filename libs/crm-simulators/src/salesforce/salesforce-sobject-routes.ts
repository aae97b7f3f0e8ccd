import { sendEmpty, sendJson } from '../common/http-kit';
import { notFound, sfError, SfValidationError } from './salesforce-errors';
import { fieldsParameter, recordUrl, renderSfRecord, type SfRouteContext, sfJsonBody, sfJsonObject } from './salesforce-http';
import { sfDateTime } from './salesforce-ids';
import { fieldNamed, KEY_PREFIXES, SOBJECT_FIELDS, SOBJECTS, type SObjectName, sobjectFromPath } from './salesforce-schema';
import type { SfRecord, SfValue } from './salesforce-store';

function requireSObject(segment: string): SObjectName {
  const sobject = sobjectFromPath(decodeURIComponent(segment));
  if (!sobject) throw notFound();
  return sobject;
}

/** Turns a validation failure into Salesforce's 400 answer. */
export function validated<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof SfValidationError) throw sfError(400, error.error.errorCode, error.error.message, error.error.fields);
    throw error;
  }
}

function describe(sobject: SObjectName): Record<string, unknown> {
  return {
    name: sobject,
    label: sobject,
    keyPrefix: KEY_PREFIXES[sobject],
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    fields: SOBJECT_FIELDS[sobject].map((field) => ({
      name: field.name,
      label: field.label,
      type: field.type,
      length: field.length,
      nillable: !field.required && field.type !== 'boolean' && field.type !== 'id',
      createable: field.createable,
      updateable: field.updateable,
      externalId: field.externalId === true,
      unique: field.unique === true,
      idLookup: field.type === 'id' || field.externalId === true,
      defaultedOnCreate: field.defaultValue !== undefined || !field.createable,
      restrictedPicklist: field.restrictedPicklist === true,
      picklistValues: (field.picklist ?? []).map((value) => ({
        active: true,
        defaultValue: value === field.defaultValue,
        label: value,
        value,
      })),
      referenceTo: [...(field.referenceTo ?? [])],
    })),
  };
}

function window(context: SfRouteContext): { start: number; end: number } {
  const start = Date.parse(context.url.searchParams.get('start') ?? '');
  const end = Date.parse(context.url.searchParams.get('end') ?? '');
  if (Number.isNaN(start) || Number.isNaN(end)) throw sfError(400, 'INVALID_REPLICATION_DATE', 'start and end must be dateTimes');
  if (end <= start) throw sfError(400, 'INVALID_REPLICATION_DATE', 'end must be after start');
  if (context.core.now() - start > 30 * 86_400_000) throw sfError(400, 'INVALID_REPLICATION_DATE', 'start must be within the last 30 days');
  return { start, end };
}

/** Upsert by external id: 201 created, 200 updated, 300 with the matching records when several match. */
async function upsertByExternalId(context: SfRouteContext, sobject: SObjectName, fieldName: string, value: string): Promise<void> {
  const { core, request, response } = context;
  const field = fieldNamed(sobject, fieldName);
  if (!field || (!field.externalId && field.name !== 'Id')) {
    throw sfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${fieldName}`);
  }
  const matches = core.store.byExternalId(sobject, field, value);
  if (request.method === 'GET') {
    if (matches.length > 1) {
      sendJson(
        response,
        300,
        matches.map((record) => recordUrl(context, record)),
      );
      return;
    }
    const record = matches[0];
    if (!record) throw notFound();
    sendJson(response, 200, renderSfRecord(context, record, fieldsParameter(context.url, sobject)));
    return;
  }
  if (request.method === 'DELETE') {
    if (matches.length > 1) {
      sendJson(
        response,
        300,
        matches.map((record) => recordUrl(context, record)),
      );
      return;
    }
    const record = matches[0];
    if (!record) throw notFound();
    core.store.remove(record, 'api');
    sendEmpty(response, 204);
    return;
  }
  if (request.method !== 'PATCH')
    throw sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${request.method ?? ''}' not allowed. Allowed are GET,PATCH,DELETE`);
  const body = sfJsonObject(await sfJsonBody(context));
  for (const key of Object.keys(body)) {
    if (key.toLowerCase() === 'id' || key.toLowerCase() === field.name.toLowerCase()) {
      throw sfError(400, 'INVALID_FIELD', `The field ${key} is referenced in the URL and cannot also be set in the request body`, [key]);
    }
  }
  if (matches.length > 1) {
    sendJson(
      response,
      300,
      matches.map((record) => recordUrl(context, record)),
    );
    return;
  }
  const existing = matches[0];
  if (existing) {
    const values = validated(() => core.store.prepare(sobject, body, 'update', existing.id));
    core.store.update(existing, values, 'api');
    sendJson(response, 200, { id: existing.id, success: true, errors: [], created: false });
    return;
  }
  const values = validated(() => core.store.prepare(sobject, { ...body, [field.name]: value }, 'create', null));
  const created = core.store.create(sobject, values, 'api');
  sendJson(response, 201, { id: created.id, success: true, errors: [], created: true });
}

/** The sObject resources: list, describe, create, read/update/delete by id or external id, getUpdated/getDeleted. */
export async function sobjectRoute(context: SfRouteContext): Promise<boolean> {
  const { core, request, response, rest } = context;
  const method = request.method ?? 'GET';
  if (rest === '/sobjects') {
    sendJson(response, 200, {
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: SOBJECTS.map((name) => ({
        name,
        label: name,
        keyPrefix: KEY_PREFIXES[name],
        createable: true,
        updateable: true,
        queryable: true,
        urls: {
          sobject: `/services/data/${context.version}/sobjects/${name}`,
          describe: `/services/data/${context.version}/sobjects/${name}/describe`,
        },
      })),
    });
    return true;
  }
  let match = /^\/sobjects\/([^/]+)\/describe\/?$/.exec(rest);
  if (match?.[1]) {
    sendJson(response, 200, describe(requireSObject(match[1])));
    return true;
  }
  match = /^\/sobjects\/([^/]+)\/(updated|deleted)\/?$/.exec(rest);
  if (match?.[1] && match[2]) {
    const sobject = requireSObject(match[1]);
    const { start, end } = window(context);
    const latest = Math.min(end, core.now());
    if (match[2] === 'updated') {
      const ids = core.store
        .all(sobject)
        .filter((record: SfRecord) => !record.deleted && record.modifiedAt >= start && record.modifiedAt <= latest)
        .map((record) => record.id);
      sendJson(response, 200, { ids, latestDateCovered: sfDateTime(Math.floor(latest / 60_000) * 60_000) });
    } else {
      const deleted = core.store
        .all(sobject)
        .filter((record) => record.deleted && (record.deletedAt ?? 0) >= start && (record.deletedAt ?? 0) <= latest);
      sendJson(response, 200, {
        deletedRecords: deleted.map((record) => ({ id: record.id, deletedDate: sfDateTime(record.deletedAt ?? 0) })),
        earliestDateAvailable: sfDateTime(core.now() - 15 * 86_400_000),
        latestDateCovered: sfDateTime(Math.floor(latest / 60_000) * 60_000),
      });
    }
    return true;
  }
  match = /^\/sobjects\/([^/]+)\/([^/]+)\/(.+)$/.exec(rest);
  if (match?.[1] && match[2] && match[3]) {
    await upsertByExternalId(context, requireSObject(match[1]), decodeURIComponent(match[2]), decodeURIComponent(match[3]));
    return true;
  }
  match = /^\/sobjects\/([^/]+)\/([^/]+)$/.exec(rest);
  if (match?.[1] && match[2]) {
    const sobject = requireSObject(match[1]);
    const record = core.store.get(sobject, decodeURIComponent(match[2]));
    if (!record) throw notFound();
    if (method === 'GET') {
      sendJson(response, 200, renderSfRecord(context, record, fieldsParameter(context.url, sobject)));
      return true;
    }
    if (method === 'PATCH') {
      const body = sfJsonObject(await sfJsonBody(context));
      const values = validated(() => core.store.prepare(sobject, body, 'update', record.id));
      core.store.update(record, values, 'api');
      sendEmpty(response, 204);
      return true;
    }
    if (method === 'DELETE') {
      core.store.remove(record, 'api');
      sendEmpty(response, 204);
      return true;
    }
    throw sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are HEAD,GET,PATCH,DELETE`);
  }
  match = /^\/sobjects\/([^/]+)\/?$/.exec(rest);
  if (match?.[1]) {
    const sobject = requireSObject(match[1]);
    if (method === 'GET') {
      sendJson(response, 200, { objectDescribe: { name: sobject, keyPrefix: KEY_PREFIXES[sobject], label: sobject }, recentItems: [] });
      return true;
    }
    if (method === 'POST') {
      const body = sfJsonObject(await sfJsonBody(context));
      const values: Record<string, SfValue> = validated(() => core.store.prepare(sobject, body, 'create', null));
      const record = core.store.create(sobject, values, 'api');
      sendJson(response, 201, { id: record.id, success: true, errors: [] });
      return true;
    }
    throw sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,POST`);
  }
  return false;
}
