import { z } from 'zod';
import type { GraphTarget } from './graph-client';
import { graphErrorOf, graphRequest, graphUrl } from './graph-request';

const retrievedSchema = z.looseObject({
  url: z.url(),
  mime_type: z.string().min(1),
  sha256: z.string().optional(),
  file_size: z.coerce.number().int().min(0).optional(),
  id: z.string().optional(),
});

export type GraphMediaDownload =
  | { kind: 'downloaded'; bytes: Buffer; mimeType: string; sha256: string | null; declaredSize: number | null }
  /** Too big to keep: the size Meta declared (or that arrived) is over `maxBytes`. */
  | { kind: 'too_large'; mimeType: string; size: number }
  | { kind: 'failed'; reason: string; retryable: boolean };

/**
 * Fetches a media file the way Meta serves it: `GET /{version}/{media-id}`
 * with the number's token gives a short-lived URL, type, hash and size; the
 * bytes come from that URL with the same token. Files over `maxBytes` are not
 * downloaded.
 */
export async function downloadGraphMedia(
  target: Omit<GraphTarget, 'phoneNumberId'>,
  mediaId: string,
  maxBytes: number,
): Promise<GraphMediaDownload> {
  const meta = await graphRequest(graphUrl(target.baseUrl, target.apiVersion, mediaId), {
    method: 'GET',
    accessToken: target.accessToken,
    timeoutMs: target.timeoutMs,
  });
  if (meta.kind !== 'answered') return { kind: 'failed', reason: meta.reason, retryable: true };
  if (!meta.ok) {
    const error = graphErrorOf(meta.payload);
    return {
      kind: 'failed',
      reason: error ? `(#${error.code}) ${error.message}` : `HTTP ${meta.httpStatus}`,
      retryable: meta.httpStatus >= 500 || meta.httpStatus === 429,
    };
  }
  const info = retrievedSchema.safeParse(meta.payload);
  if (!info.success) return { kind: 'failed', reason: 'the media answer has no url or mime_type', retryable: false };
  const declared = info.data.file_size ?? null;
  if (declared !== null && declared > maxBytes) return { kind: 'too_large', mimeType: info.data.mime_type, size: declared };
  let response: Response;
  try {
    response = await fetch(info.data.url, {
      headers: { authorization: `Bearer ${target.accessToken}` },
      signal: AbortSignal.timeout(Math.max(target.timeoutMs, 60_000)),
    });
  } catch (error) {
    return { kind: 'failed', reason: error instanceof Error ? error.message : 'download failed', retryable: true };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { kind: 'failed', reason: `download answered HTTP ${response.status}`, retryable: response.status >= 500 };
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > maxBytes) return { kind: 'too_large', mimeType: info.data.mime_type, size: bytes.length };
  return { kind: 'downloaded', bytes, mimeType: info.data.mime_type, sha256: info.data.sha256 ?? null, declaredSize: declared };
}

export type GraphMediaUpload = { kind: 'uploaded'; id: string } | { kind: 'failed'; reason: string; code: number | null };

/** `POST /{version}/{phone-number-id}/media` (multipart): the file becomes a media id messages can send. */
export async function uploadGraphMedia(
  target: GraphTarget,
  file: { bytes: Buffer; mimeType: string; filename: string },
): Promise<GraphMediaUpload> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', file.mimeType);
  form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.filename);
  let response: Response;
  try {
    response = await fetch(graphUrl(target.baseUrl, target.apiVersion, target.phoneNumberId, 'media'), {
      method: 'POST',
      headers: { authorization: `Bearer ${target.accessToken}` },
      body: form,
      signal: AbortSignal.timeout(Math.max(target.timeoutMs, 60_000)),
    });
  } catch (error) {
    return { kind: 'failed', reason: error instanceof Error ? error.message : 'upload failed', code: null };
  }
  const text = await response.text();
  let payload: unknown = text;
  try {
    payload = JSON.parse(text);
  } catch {
    // Kept as text for the message below.
  }
  if (!response.ok) {
    const error = graphErrorOf(payload);
    return { kind: 'failed', reason: error ? `(#${error.code}) ${error.message}` : `HTTP ${response.status}`, code: error?.code ?? null };
  }
  const parsed = z.looseObject({ id: z.string().min(1) }).safeParse(payload);
  return parsed.success ? { kind: 'uploaded', id: parsed.data.id } : { kind: 'failed', reason: 'the upload answer has no id', code: null };
}
