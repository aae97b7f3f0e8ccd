import { SIGNATURE_HEADER, signWebhookBody, toAsciiJson } from '@parley/whatsapp';

/** POSTs a webhook body to the engine, signed with `secret` unless a signature is given. */
export async function postWebhook(
  engineUrl: string,
  body: string | Buffer | object,
  options: { secret?: string; signature?: string | null; contentType?: string } = {},
): Promise<{ status: number; text: string }> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : Buffer.from(toAsciiJson(body));
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  const signature = options.signature === undefined ? (options.secret ? signWebhookBody(bytes, options.secret) : null) : options.signature;
  if (signature !== null) headers[SIGNATURE_HEADER] = signature;
  const response = await fetch(`${engineUrl}/webhooks/whatsapp`, { method: 'POST', headers, body: bytes });
  return { status: response.status, text: await response.text() };
}
