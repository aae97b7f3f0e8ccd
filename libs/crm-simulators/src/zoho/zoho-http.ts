import type { IncomingMessage } from 'node:http';
import { BodyTooLarge, parseJsonText, readBody } from '../common/http-kit';
import { zohoError } from './zoho-errors';

/** Reads a JSON object body, answering Zoho's errors for malformed or oversized bodies. */
export async function zohoJsonBody(request: IncomingMessage, holder: { body: unknown }): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = parseJsonText(await readBody(request));
  } catch (error) {
    if (error instanceof BodyTooLarge) throw zohoError(413, 'REQUEST_ENTITY_TOO_LARGE', 'the request body is too large');
    throw zohoError(400, 'INVALID_DATA', 'the input JSON is malformed', { param_name: 'body' });
  }
  holder.body = parsed;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw zohoError(400, 'INVALID_DATA', 'the request body must be a JSON object', { param_name: 'body' });
  }
  return Object.fromEntries(Object.entries(parsed));
}

/** The `data` array of a write: 1 to `max` objects. */
export function dataItems(body: Record<string, unknown>, max = 100): Record<string, unknown>[] {
  const data = body['data'];
  if (data === undefined)
    throw zohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'data', json_path: '$.data' });
  if (!Array.isArray(data) || data.length === 0)
    throw zohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'data', json_path: '$.data', expected_data_type: 'jsonarray' });
  if (data.length > max) throw zohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { api_name: 'data', json_path: '$.data', limit: max });
  return data.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw zohoError(400, 'INVALID_DATA', 'invalid data', {
        api_name: 'data',
        json_path: `$.data[${index}]`,
        expected_data_type: 'jsonobject',
      });
    }
    return Object.fromEntries(Object.entries(item));
  });
}

/** An optional whole-number query parameter in [min, max]; 400 INVALID_DATA naming it otherwise. */
export function intParameter(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw zohoError(400, 'INVALID_DATA', `${name} must be a number from ${min} to ${max}`, { param_name: name });
  }
  return Number(raw);
}
