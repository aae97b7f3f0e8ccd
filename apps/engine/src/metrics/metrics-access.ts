import { timingSafeEqual } from 'node:crypto';

/** Whether `address` (a socket's remote address) is this machine. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}

/**
 * Who may read /metrics: with a token configured, only a caller presenting
 * it (`Authorization: Bearer …`, compared in constant time), from anywhere;
 * without one, only callers on this machine (the socket's own address, not
 * X-Forwarded-For, so a proxy in front cannot open it by accident).
 */
export function metricsAccess(
  token: string | undefined,
  authorization: string | undefined,
  remoteAddress: string | undefined,
): 'allowed' | 'no_token' | 'wrong_token' | 'not_local' {
  if (token === undefined) return isLoopback(remoteAddress) ? 'allowed' : 'not_local';
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  if (!match?.[1]) return 'no_token';
  const given = Buffer.from(match[1], 'utf8');
  const expected = Buffer.from(token, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'allowed' : 'wrong_token';
}
