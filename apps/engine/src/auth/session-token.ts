import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'parley_session';

/** A new opaque session token (256 random bits). */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores instead of the token. */
export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
