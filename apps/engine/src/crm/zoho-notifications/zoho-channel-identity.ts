import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ZohoChannelIdentity {
  /** Zoho wants a number (up to 19 digits) of our choosing. */
  channelId: string;
  /** Sent back by Zoho in every notification; at most 50 characters. */
  token: string;
}

/**
 * A connection's Zoho notification channel id and token, derived from the
 * installation's SECRETS_KEY like the outgoing-webhook key: nothing to store
 * or seal, the same on every engine process, and one connection's token
 * never opens another's callback.
 */
export function zohoChannelIdentity(connectionId: string, secretsKey: Buffer): ZohoChannelIdentity {
  const digest = createHmac('sha256', secretsKey).update(`zoho-notify:${connectionId}`).digest();
  // 13 hex digits stay below 2^52, so the id survives a JSON number round trip on Zoho's side too.
  const channelId = BigInt(`0x${digest.subarray(0, 7).toString('hex').slice(0, 13)}`).toString(10);
  return { channelId, token: digest.subarray(8).toString('base64url') };
}

/** Constant-time check of the token and channel a notification carries. */
export function zohoNotificationGenuine(expected: ZohoChannelIdentity, channelId: unknown, token: unknown): boolean {
  if (typeof token !== 'string' || String(channelId) !== expected.channelId) return false;
  const given = Buffer.from(token, 'utf8');
  const wanted = Buffer.from(expected.token, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
