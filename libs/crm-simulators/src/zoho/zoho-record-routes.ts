import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { headerValue, sendEmpty, sendJson } from '../common/http-kit';
import type { ZohoCore } from './zoho-core';
import { CriteriaError, matchesCriteria, parseCriteria } from './zoho-criteria';
import { invalidModule, zohoError, zohoItemError, type ZohoErrorItem } from './zoho-errors';
import { dataItems, intParameter, zohoJsonBody } from './zoho-http';
import { renderField, renderZohoRecord, writeDetails } from './zoho-render';
import { MODULE_FIELDS, moduleFromPath, SYSTEM_DUPLICATE_CHECK, type ZohoModule } from './zoho-schema';
import { API_USER, MODULE_IDS, type ZohoRecord, zohoTime } from './zoho-store';

export interface ZohoRouteContext {
  core: ZohoCore;
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  path: string;
  holder: { body: unknown };
}

type ItemResult = { ok: true; item: Record<string, unknown> } | { ok: false; item: ZohoErrorItem };

/** 201/200 when every record succeeded, 400 when none did, 207 otherwise. */
function statusOf(results: ItemResult[], success: number): number {
  if (results.every((result) => result.ok)) return success;
  if (results.every((result) => !result.ok)) return 400;
  return 207;
}

const PAGE_TOKEN = z.object({ m: z.string(), o: z.number().int().min(0), s: z.string(), d: z.enum(['asc', 'desc']), e: z.number() });
const DISCRETE_LIMIT = 2000;
const TOKEN_LIMIT = 100_000;
const TOKEN_LIFETIME_MS = 86_400_000;

function requireModule(segment: string): ZohoModule {
  const module = moduleFromPath(decodeURIComponent(segment));
  if (!module) throw invalidModule();
  return module;
}

function fieldsParameter(url: URL, module: ZohoModule, required: boolean): string[] | null {
  const raw = url.searchParams.get('fields');
  if (raw === null || raw.trim() === '') {
    if (required) throw zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'fields' });
    return null;
  }
  const names = raw.split(',').map((name) => name.trim());
  const known = new Set([
    'id',
    'Created_Time',
    'Modified_Time',
    'Created_By',
    'Modified_By',
    '$se_module',
    ...MODULE_FIELDS[module].map((field) => field.apiName),
  ]);
  const unknown = names.find((name) => !known.has(name));
  if (unknown !== undefined)
    throw zohoError(400, 'INVALID_DATA', 'the field api name given seems to be invalid', { api_name: unknown, param_name: 'fields' });
  return names;
}

function sortRecords(records: ZohoRecord[], sortBy: string, order: 'asc' | 'desc'): ZohoRecord[] {
  const key = (record: ZohoRecord): number | string =>
    sortBy === 'Modified_Time'
      ? Math.floor(record.modifiedAt / 1000)
      : sortBy === 'Created_Time'
        ? Math.floor(record.createdAt / 1000)
        : record.id;
  return records.sort((a, b) => {
    const left = key(a);
    const right = key(b);
    const sign = left === right ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : left < right ? -1 : 1;
    return order === 'asc' ? sign : -sign;
  });
}

function listRecords(context: ZohoRouteContext, module: ZohoModule): void {
  const { core, request, response, url } = context;
  const fields = fieldsParameter(url, module, true);
  const perPage = intParameter(url, 'per_page', 200, 1, 200);
  const tokenText = url.searchParams.get('page_token');
  let sortBy = url.searchParams.get('sort_by') ?? 'id';
  let sortOrder: 'asc' | 'desc' = url.searchParams.get('sort_order') === 'asc' ? 'asc' : 'desc';
  if (!['id', 'Created_Time', 'Modified_Time'].includes(sortBy)) {
    throw zohoError(400, 'INVALID_DATA', 'invalid data', {
      param_name: 'sort_by',
      supported_values: ['id', 'Created_Time', 'Modified_Time'],
    });
  }
  let offset: number;
  let page: number;
  if (tokenText !== null) {
    let decoded: unknown = null;
    try {
      decoded = JSON.parse(Buffer.from(tokenText, 'base64url').toString('utf8'));
    } catch {
      decoded = null;
    }
    const token = PAGE_TOKEN.safeParse(decoded);
    if (!token.success || token.data.m !== module) throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'page_token' });
    if (token.data.e < core.now()) throw zohoError(400, 'INVALID_DATA', 'the page token has expired', { param_name: 'page_token' });
    offset = token.data.o;
    sortBy = token.data.s;
    sortOrder = token.data.d;
    page = Math.floor(offset / perPage) + 1;
    if (offset >= TOKEN_LIMIT) throw zohoError(400, 'PAGINATION_LIMIT_EXCEEDED', 'pagination limit exceeded', { param_name: 'page_token' });
  } else {
    page = intParameter(url, 'page', 1, 1, 100_000);
    offset = (page - 1) * perPage;
    if (offset + perPage > DISCRETE_LIMIT) {
      throw zohoError(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'use page_token to fetch more than 2000 records', {
        limit: DISCRETE_LIMIT,
      });
    }
  }
  let records = core.store.sortedLive(module, `${sortBy}|${sortOrder}`, (live) => sortRecords(live, sortBy, sortOrder));
  // Get Records by `ids` (≤100, comma-separated): only those, the others of the module left out.
  if (url.searchParams.has('ids')) {
    const wanted = new Set(idsParameter(url));
    records = records.filter((record) => wanted.has(record.id));
  }
  const since = headerValue(request, 'if-modified-since');
  if (since !== undefined) {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs)) throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'If-Modified-Since' });
    records = records.filter((record) => Math.floor(record.modifiedAt / 1000) * 1000 > Math.floor(sinceMs / 1000) * 1000);
    if (records.length === 0) {
      sendEmpty(response, 304);
      return;
    }
  }
  const slice = records.slice(offset, offset + perPage);
  if (slice.length === 0) {
    sendEmpty(response, 204);
    return;
  }
  const more = offset + perPage < records.length;
  const expiry = core.now() + TOKEN_LIFETIME_MS;
  const next = more
    ? Buffer.from(JSON.stringify({ m: module, o: offset + perPage, s: sortBy, d: sortOrder, e: expiry })).toString('base64url')
    : null;
  sendJson(response, 200, {
    data: slice.map((record) => renderZohoRecord(core.store, record, fields)),
    info: {
      call: false,
      per_page: perPage,
      next_page_token: next,
      count: slice.length,
      sort_by: sortBy,
      page,
      previous_page_token: null,
      page_token_expiry: next ? zohoTime(expiry) : null,
      sort_order: sortOrder,
      email: false,
      more_records: more,
    },
  });
}

function insertOne(context: ZohoRouteContext, module: ZohoModule, input: Record<string, unknown>, index: number): ItemResult {
  const prepared = context.core.store.prepare(module, input, 'insert', index, null);
  if ('error' in prepared) return { ok: false, item: prepared.error };
  const record = context.core.store.insert(module, prepared.values, 'api');
  return { ok: true, item: { code: 'SUCCESS', details: writeDetails(record), message: 'record added', status: 'success' } };
}

function updateOne(
  context: ZohoRouteContext,
  module: ZohoModule,
  input: Record<string, unknown>,
  index: number,
  id: string | null,
): ItemResult {
  const recordId = id ?? (typeof input['id'] === 'string' ? input['id'] : null);
  if (recordId === null)
    return {
      ok: false,
      item: zohoItemError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'id', json_path: `$.data[${index}].id` }),
    };
  const record = context.core.store.get(module, recordId);
  if (!record)
    return {
      ok: false,
      item: zohoItemError('INVALID_DATA', 'the related id given seems to be invalid', { api_name: 'id', json_path: `$.data[${index}].id` }),
    };
  const prepared = context.core.store.prepare(module, input, 'update', index, record.id);
  if ('error' in prepared) return { ok: false, item: prepared.error };
  context.core.store.update(record, prepared.values, 'api');
  return { ok: true, item: { code: 'SUCCESS', details: writeDetails(record), message: 'record updated', status: 'success' } };
}

function duplicateCheckFields(module: ZohoModule, body: Record<string, unknown>, context: ZohoRouteContext): string[] {
  const raw = body['duplicate_check_fields'];
  const allowed = [...SYSTEM_DUPLICATE_CHECK[module], ...context.core.options.uniqueFields[module]];
  if (raw === undefined) return allowed;
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((field) => typeof field !== 'string')) {
    throw zohoError(400, 'INVALID_DATA', 'invalid data', {
      api_name: 'duplicate_check_fields',
      json_path: '$.duplicate_check_fields',
      expected_data_type: 'jsonarray',
    });
  }
  const fields = raw.filter((field): field is string => typeof field === 'string');
  const bad = fields.find((field) => !allowed.includes(field));
  if (bad !== undefined) {
    throw zohoError(400, 'INVALID_DATA', 'the field is neither a system-defined duplicate check field nor marked unique', {
      api_name: bad,
      json_path: '$.duplicate_check_fields',
      supported_values: allowed,
    });
  }
  return fields;
}

function upsertOne(
  context: ZohoRouteContext,
  module: ZohoModule,
  input: Record<string, unknown>,
  index: number,
  fields: string[],
): ItemResult {
  const { store } = context.core;
  for (const field of fields) {
    const value = input[field];
    if (typeof value !== 'string' || value === '') continue;
    const matches = store.matching(module, field, value);
    if (matches.length > 1) {
      const first = matches[0];
      return {
        ok: false,
        item: zohoItemError('DUPLICATE_DATA', 'duplicate data', {
          api_name: field,
          json_path: `$.data[${index}].${field}`,
          duplicate_record: {
            id: first?.id,
            module: { api_name: module, id: MODULE_IDS[module] },
            Owner: { name: API_USER.name, id: API_USER.id },
          },
          more_records: true,
        }),
      };
    }
    const match = matches[0];
    if (match) {
      const prepared = store.prepare(module, input, 'update', index, match.id);
      if ('error' in prepared) return { ok: false, item: prepared.error };
      store.update(match, prepared.values, 'api');
      return {
        ok: true,
        item: {
          code: 'SUCCESS',
          duplicate_field: field,
          action: 'update',
          details: writeDetails(match),
          message: 'record updated',
          status: 'success',
        },
      };
    }
  }
  const prepared = store.prepare(module, input, 'insert', index, null);
  if ('error' in prepared) return { ok: false, item: prepared.error };
  const record = store.insert(module, prepared.values, 'api');
  return {
    ok: true,
    item: {
      code: 'SUCCESS',
      duplicate_field: null,
      action: 'insert',
      details: writeDetails(record),
      message: 'record added',
      status: 'success',
    },
  };
}

function deleteOne(context: ZohoRouteContext, module: ZohoModule, id: string): ItemResult {
  const record = context.core.store.get(module, id);
  if (!record) return { ok: false, item: zohoItemError('INVALID_DATA', 'the related id given seems to be invalid', { id }) };
  context.core.store.remove(record, 'api');
  return { ok: true, item: { code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' } };
}

function digits(value: string): string {
  return value.replace(/\D/g, '');
}

function search(context: ZohoRouteContext, module: ZohoModule): void {
  const { core, response, url } = context;
  const criteriaText = url.searchParams.get('criteria');
  const email = url.searchParams.get('email');
  const phone = url.searchParams.get('phone');
  const word = url.searchParams.get('word');
  const given = [criteriaText, email, phone, word].filter((value) => value !== null && value !== '');
  if (given.length === 0)
    throw zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'criteria' });
  if (given.length > 1)
    throw zohoError(400, 'AMBIGUITY_DURING_PROCESSING', 'give only one of criteria, email, phone and word', { ambiguity_due_to: [] });
  const fields = fieldsParameter(url, module, false);
  const perPage = intParameter(url, 'per_page', 200, 1, 200);
  const page = intParameter(url, 'page', 1, 1, 100_000);
  if (page * perPage > DISCRETE_LIMIT)
    throw zohoError(400, 'LIMIT_EXCEEDED', 'search returns at most 2000 records', { limit: DISCRETE_LIMIT, param_name: 'page' });
  let predicate: (record: ZohoRecord) => boolean;
  if (criteriaText) {
    try {
      const criteria = parseCriteria(criteriaText, module);
      predicate = (record) => matchesCriteria(criteria, record);
    } catch (error) {
      if (error instanceof CriteriaError)
        throw zohoError(400, 'INVALID_QUERY', 'invalid query formed', { reason: error.message, param_name: 'criteria' });
      throw error;
    }
  } else if (email) {
    const wanted = email.toLowerCase();
    const emailFields = MODULE_FIELDS[module].filter((field) => field.dataType === 'email').map((field) => field.apiName);
    predicate = (record) => emailFields.some((name) => String(record.fields[name] ?? '').toLowerCase() === wanted);
  } else if (phone) {
    const wanted = digits(phone);
    const phoneFields = MODULE_FIELDS[module].filter((field) => field.dataType === 'phone').map((field) => field.apiName);
    predicate = (record) => wanted !== '' && phoneFields.some((name) => digits(String(record.fields[name] ?? '')) === wanted);
  } else {
    const wanted = (word ?? '').toLowerCase();
    const textFields = MODULE_FIELDS[module].filter((field) => field.searchable).map((field) => field.apiName);
    predicate = (record) =>
      textFields.some((name) =>
        String(record.fields[name] ?? '')
          .toLowerCase()
          .includes(wanted),
      );
  }
  const found = [...core.store.searchable(module)].map(([, record]) => record).filter(predicate);
  sortRecords(found, 'id', 'asc');
  const slice = found.slice((page - 1) * perPage, page * perPage);
  if (slice.length === 0) {
    sendEmpty(response, 204);
    return;
  }
  sendJson(response, 200, {
    data: slice.map((record) => renderZohoRecord(core.store, record, fields)),
    info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < found.length },
  });
}

function deletedRecords(context: ZohoRouteContext, module: ZohoModule): void {
  const { core, response, url } = context;
  const type = url.searchParams.get('type') ?? 'all';
  if (!['all', 'recycle', 'permanent'].includes(type))
    throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'type', supported_values: ['all', 'recycle', 'permanent'] });
  const perPage = intParameter(url, 'per_page', 200, 1, 200);
  const page = intParameter(url, 'page', 1, 1, 100_000);
  // Deleted records stay in the recycle bin here (nothing is purged permanently).
  const deleted = type === 'permanent' ? [] : core.store.deleted(module).sort((a, b) => (b.deletedAt ?? 0) - (a.deletedAt ?? 0));
  const slice = deleted.slice((page - 1) * perPage, page * perPage);
  if (slice.length === 0) {
    sendEmpty(response, 204);
    return;
  }
  sendJson(response, 200, {
    data: slice.map((record) => ({
      deleted_by: { name: record.deletedBy?.name ?? API_USER.name, id: record.deletedBy?.id ?? API_USER.id },
      id: record.id,
      display_name: core.store.nameOf(module, record.id),
      type: 'recycle',
      created_by: { name: record.createdBy.name, id: record.createdBy.id },
      deleted_time: zohoTime(record.deletedAt ?? record.modifiedAt),
    })),
    info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < deleted.length },
  });
}

function idsParameter(url: URL): string[] {
  const raw = url.searchParams.get('ids');
  if (raw === null || raw.trim() === '')
    throw zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'ids' });
  const ids = raw.split(',').map((id) => id.trim());
  if (ids.length > 100) throw zohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { param_name: 'ids', limit: 100 });
  if (ids.some((id) => !/^\d{1,19}$/.test(id))) throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'ids' });
  return ids;
}

/** Zoho's record APIs under /crm/v8 (records, upsert, search, deleted, field metadata, org). Returns false for other paths. */
export async function recordRoute(context: ZohoRouteContext): Promise<boolean> {
  const { core, request, response, url, path } = context;
  const method = request.method ?? 'GET';
  const base = `/crm/${core.apiVersion}`;
  if (!path.startsWith(`${base}/`)) return false;
  const rest = path.slice(base.length);

  if (rest === '/org' && method === 'GET') {
    sendJson(response, 200, {
      org: [
        {
          id: core.options.orgId,
          company_name: 'Simulated Org',
          time_zone: 'GMT',
          currency: 'Euro - EUR',
          country_code: 'IT',
          zgid: core.options.orgId,
          type: 'production',
        },
      ],
    });
    return true;
  }
  if (rest === '/settings/fields' && method === 'GET') {
    const module = requireModule(url.searchParams.get('module') ?? '');
    sendJson(response, 200, {
      fields: MODULE_FIELDS[module].map((field) =>
        renderField(module, field.apiName, core.options.uniqueFields[module].includes(field.apiName)),
      ),
    });
    return true;
  }

  let match = /^\/([^/]+)\/(upsert|search|deleted)$/.exec(rest);
  if (match?.[1] && match[2]) {
    const module = requireModule(match[1]);
    if (match[2] === 'upsert' && method === 'POST') {
      const body = await zohoJsonBody(request, context.holder);
      const items = dataItems(body);
      const fields = duplicateCheckFields(module, body, context);
      const results = items.map((item, index) => upsertOne(context, module, item, index, fields));
      sendJson(response, statusOf(results, 200), { data: results.map((result) => result.item) });
      return true;
    }
    if (match[2] === 'search' && method === 'GET') {
      search(context, module);
      return true;
    }
    if (match[2] === 'deleted' && method === 'GET') {
      deletedRecords(context, module);
      return true;
    }
    throw zohoError(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one', { resource_path_index: 1 });
  }

  match = /^\/([^/]+)\/(\d{1,19})$/.exec(rest);
  if (match?.[1] && match[2]) {
    const module = requireModule(match[1]);
    const id = match[2];
    if (method === 'GET') {
      const record = core.store.get(module, id);
      if (!record) {
        sendEmpty(response, 204);
        return true;
      }
      sendJson(response, 200, { data: [renderZohoRecord(core.store, record, fieldsParameter(url, module, false))] });
      return true;
    }
    if (method === 'PUT') {
      const items = dataItems(await zohoJsonBody(request, context.holder), 1);
      const result = updateOne(context, module, items[0] ?? {}, 0, id);
      sendJson(response, result.ok ? 200 : 400, { data: [result.item] });
      return true;
    }
    if (method === 'DELETE') {
      const result = deleteOne(context, module, id);
      sendJson(response, result.ok ? 200 : 400, { data: [result.item] });
      return true;
    }
    throw zohoError(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one', { resource_path_index: 1 });
  }

  match = /^\/([^/]+)$/.exec(rest);
  if (match?.[1]) {
    const module = requireModule(match[1]);
    if (method === 'GET') {
      listRecords(context, module);
      return true;
    }
    if (method === 'POST') {
      const items = dataItems(await zohoJsonBody(request, context.holder));
      const results = items.map((item, index) => insertOne(context, module, item, index));
      sendJson(response, statusOf(results, 201), { data: results.map((result) => result.item) });
      return true;
    }
    if (method === 'PUT') {
      const items = dataItems(await zohoJsonBody(request, context.holder));
      const results = items.map((item, index) => updateOne(context, module, item, index, null));
      sendJson(response, statusOf(results, 200), { data: results.map((result) => result.item) });
      return true;
    }
    if (method === 'DELETE') {
      const results = idsParameter(url).map((id) => deleteOne(context, module, id));
      sendJson(response, statusOf(results, 200), { data: results.map((result) => result.item) });
      return true;
    }
    throw zohoError(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one', { resource_path_index: 0 });
  }
  return false;
}
