import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { graphError } from './graph-error';
import { HttpError, readBody, sendJson } from './http-io';
import { parseMultipart } from './multipart-form';
import type { SimulatorCore } from './simulator-core';
import type { SimulatedNumber } from './simulator-state';
import type { RegisteredTemplate } from './template-registry';

const DOWNLOAD_PATH = '/whatsapp_business/attachments/';
const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

function bearerNumbers(core: SimulatorCore, request: IncomingMessage): SimulatedNumber[] {
  const numbers = [...core.state.numbers.values()].filter((n) => request.headers.authorization === `Bearer ${n.accessToken}`);
  if (numbers.length === 0)
    throw new HttpError(401, graphError(190, 'Invalid OAuth access token', 'The access token could not be decrypted or is invalid.'));
  return numbers;
}

function missingObject(id: string, verb: 'get' | 'post'): HttpError {
  return new HttpError(
    400,
    graphError(
      100,
      'Invalid parameter',
      `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      'GraphMethodException',
    ),
  );
}

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(25),
  after: z.string().optional(),
  name: z.string().optional(),
  status: z.string().optional(),
});

/** The template as `GET message_templates` returns it. */
function templateJson(template: RegisteredTemplate): Record<string, unknown> {
  return {
    name: template.name,
    parameter_format: template.parameterFormat,
    components: template.components,
    language: template.language,
    status: template.status,
    category: template.category,
    id: template.id,
    ...(template.status === 'REJECTED' && template.reason ? { rejected_reason: template.reason } : {}),
  };
}

function cursor(index: number): string {
  return Buffer.from(`idx:${index}`).toString('base64url');
}

function cursorIndex(value: string | undefined): number {
  if (value === undefined) return 0;
  const match = /^idx:(\d+)$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new HttpError(400, graphError(100, 'Invalid parameter', 'The after cursor is not valid.'));
  return Number(match[1]) + 1;
}

/** `GET /{version}/{waba-id}/message_templates`: Meta's list with cursor paging. */
function listTemplates(core: SimulatorCore, request: IncomingMessage, url: URL, version: string, wabaId: string): Record<string, unknown> {
  const numbers = bearerNumbers(core, request);
  if (!numbers.some((n) => n.wabaId === wabaId)) throw missingObject(wabaId, 'get');
  const query = listQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) throw new HttpError(400, graphError(100, 'Invalid parameter', query.error.issues[0]?.message ?? 'Invalid parameter'));
  const all = core.state.templates
    .list(wabaId)
    .filter(
      (t) =>
        (query.data.name === undefined || t.name.includes(query.data.name)) &&
        (query.data.status === undefined || t.status === query.data.status.toUpperCase()),
    );
  const start = cursorIndex(query.data.after);
  const page = all.slice(start, start + query.data.limit);
  const last = start + page.length - 1;
  const more = start + page.length < all.length;
  const next = new URL(`${core.baseUrl}/${version}/${wabaId}/message_templates`);
  for (const [key, value] of url.searchParams) if (key !== 'after') next.searchParams.set(key, value);
  next.searchParams.set('limit', String(query.data.limit));
  next.searchParams.set('after', cursor(last));
  return {
    data: page.map(templateJson),
    paging: {
      ...(page.length > 0 ? { cursors: { before: cursor(start), after: cursor(last) } } : { cursors: {} }),
      ...(more ? { next: next.toString() } : {}),
    },
  };
}

/** `GET /{version}/{media-id}`: where to download a media file, with its type, hash and size. */
function retrieveMedia(core: SimulatorCore, request: IncomingMessage, mediaId: string): Record<string, unknown> {
  bearerNumbers(core, request);
  const file = core.state.media.get(mediaId);
  if (!file) throw missingObject(mediaId, 'get');
  return {
    messaging_product: 'whatsapp',
    url: `${core.baseUrl}${DOWNLOAD_PATH}?mid=${file.id}&source=getMedia`,
    mime_type: file.mimeType,
    sha256: file.sha256,
    file_size: file.bytes.length,
    id: file.id,
  };
}

/** `POST /{version}/{phone-number-id}/media`: a multipart upload, answered with the new media id. */
async function uploadMedia(core: SimulatorCore, request: IncomingMessage, phoneNumberId: string): Promise<Record<string, unknown>> {
  const number = core.state.numbers.get(phoneNumberId);
  if (!number) throw missingObject(phoneNumberId, 'post');
  if (request.headers.authorization !== `Bearer ${number.accessToken}`)
    throw new HttpError(401, graphError(190, 'Invalid OAuth access token', 'The access token could not be decrypted or is invalid.'));
  const parts = parseMultipart(await readBody(request, MAX_UPLOAD_BYTES), request.headers['content-type']);
  if (!parts) throw new HttpError(400, graphError(100, 'Invalid parameter', 'The upload must be multipart/form-data.'));
  const file = parts.find((p) => p.name === 'file');
  const product = parts.find((p) => p.name === 'messaging_product')?.data.toString('utf8');
  if (product !== 'whatsapp')
    throw new HttpError(400, graphError(100, 'Invalid parameter', 'The parameter messaging_product is required and must be "whatsapp".'));
  if (!file || file.data.length === 0) throw new HttpError(400, graphError(100, 'Invalid parameter', 'The parameter file is required.'));
  const type = parts.find((p) => p.name === 'type')?.data.toString('utf8') ?? file.contentType;
  if (!type) throw new HttpError(400, graphError(100, 'Invalid parameter', 'The parameter type is required.'));
  return { id: core.state.media.upload(file.data, type, file.filename).id };
}

/**
 * The Graph API routes besides sending: template listing, media retrieval,
 * download and upload. Returns false when the path is not one of them.
 */
export async function graphRoute(core: SimulatorCore, request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
  const templates = /^\/(v\d+\.\d+)\/(\d+)\/message_templates$/.exec(url.pathname);
  if (request.method === 'GET' && templates?.[1] && templates[2]) {
    sendJson(response, 200, listTemplates(core, request, url, templates[1], templates[2]));
    return true;
  }
  const upload = /^\/v\d+\.\d+\/(\d+)\/media$/.exec(url.pathname);
  if (request.method === 'POST' && upload?.[1]) {
    sendJson(response, 200, await uploadMedia(core, request, upload[1]));
    return true;
  }
  const media = /^\/v\d+\.\d+\/(\d+)$/.exec(url.pathname);
  if (request.method === 'GET' && media?.[1]) {
    sendJson(response, 200, retrieveMedia(core, request, media[1]));
    return true;
  }
  if (request.method === 'GET' && url.pathname === DOWNLOAD_PATH) {
    bearerNumbers(core, request);
    const file = core.state.media.get(url.searchParams.get('mid') ?? '');
    if (!file) throw new HttpError(404, graphError(100, 'Invalid parameter', 'No such media.'));
    response.writeHead(200, { 'content-type': file.mimeType, 'content-length': file.bytes.length });
    response.end(file.bytes);
    return true;
  }
  return false;
}
