import { createHmac, timingSafeEqual } from 'node:crypto';

/** HubSpot refuses to be trusted for requests older than this (its own rule for v3). */
export const HUBSPOT_SIGNATURE_MAX_AGE_MS = 5 * 60_000;

/**
 * Checks HubSpot's v3 request signature: base64 HMAC-SHA256, keyed with the
 * app's client secret, over method + full URI + raw body + timestamp
 * (X-HubSpot-Request-Timestamp, epoch ms), and refuses timestamps more
 * than 5 minutes from now so a captured request cannot be replayed.
 */
export function hubspotSignatureValid(input: {
  secret: string;
  method: string;
  uri: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now: number;
}): boolean {
  if (!input.timestamp || !input.signature) return false;
  const at = Number(input.timestamp);
  if (!Number.isFinite(at) || Math.abs(input.now - at) > HUBSPOT_SIGNATURE_MAX_AGE_MS) return false;
  const expected = createHmac('sha256', input.secret).update(`${input.method}${input.uri}${input.body}${input.timestamp}`, 'utf8').digest();
  const given = Buffer.from(input.signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
