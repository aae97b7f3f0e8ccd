import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header Meta signs webhook deliveries with (lower-cased, as Node exposes it). */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

function digest(body: Buffer, secret: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** `sha256=<hex HMAC-SHA256 of the exact body bytes keyed with the app secret>`. */
export function signWebhookBody(body: Buffer | string, appSecret: string): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return `sha256=${digest(bytes, appSecret).toString('hex')}`;
}

/**
 * Checks a delivery's signature against the raw bytes received, in constant
 * time. Several secrets may be given so a rotation does not drop deliveries
 * signed with the previous one.
 */
export function verifyWebhookSignature(
  body: Buffer,
  header: string | readonly string[] | undefined,
  appSecrets: readonly string[],
): boolean {
  if (typeof header !== 'string') return false;
  const match = SIGNATURE_PATTERN.exec(header.trim());
  const hex = match?.[1];
  if (!hex) return false;
  const received = Buffer.from(hex, 'hex');
  let valid = false;
  for (const secret of appSecrets) {
    if (secret.length === 0) continue;
    // No early exit: every configured secret is checked whatever the outcome.
    valid = timingSafeEqual(received, digest(body, secret)) || valid;
  }
  return valid;
}
