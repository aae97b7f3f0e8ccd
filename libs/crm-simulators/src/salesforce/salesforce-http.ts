import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, parseJsonText, readBody } from '../common/http-kit';
import type { SalesforceCore } from './salesforce-core';
import { sfError } from './salesforce-errors';
import { fieldNamed, SOBJECT_FIELDS, type SfField, type SObjectName } from './salesforce-schema';
import { fieldValue, type SfRecord } from './salesforce-store';

export interface SfRouteContext {
  core: SalesforceCore;
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  /** `v66.0` */
  version: string;
  /** The path after `/services/data/vXX.X`. */
  rest: string;
  holder: { body: unknown };
}

/** Reads a JSON body; malformed JSON is Salesforce's 400 JSON_PARSER_ERROR. */
export async function sfJsonBody(context: SfRouteContext): Promise<unknown> {
  let parsed: unknown;
  try {
    parsed = parseJsonText(await readBody(context.request));
  } catch (error) {
    if (error instanceof BodyTooLarge) throw sfError(413, 'REQUEST_ENTITY_TOO_LARGE', 'The request body is too large');
    throw sfError(
      400,
      'JSON_PARSER_ERROR',
      `Unexpected character in the request body: ${error instanceof Error ? error.message : 'malformed JSON'}`,
    );
  }
  context.holder.body = parsed;
  return parsed;
}

export function sfJsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw sfError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of sObject from a value that is not a JSON object');
  }
  return Object.fromEntries(Object.entries(value));
}

export function recordUrl(context: SfRouteContext, record: SfRecord): string {
  return `/services/data/${context.version}/sobjects/${record.sobject}/${record.id}`;
}

/** A record as the REST API answers it: `attributes` then the fields. */
export function renderSfRecord(context: SfRouteContext, record: SfRecord, fields: readonly SfField[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: record.sobject, url: recordUrl(context, record) } };
  for (const field of fields ?? SOBJECT_FIELDS[record.sobject]) out[field.name] = fieldValue(record, field.name);
  return out;
}

/** The `fields` query parameter of a record read (unknown names are Salesforce's 400 INVALID_FIELD). */
export function fieldsParameter(url: URL, sobject: SObjectName): SfField[] | null {
  const raw = url.searchParams.get('fields');
  if (raw === null || raw.trim() === '') return null;
  return raw.split(',').map((name) => {
    const field = fieldNamed(sobject, name.trim());
    if (!field) throw sfError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on entity '${sobject}'`);
    return field;
  });
}
