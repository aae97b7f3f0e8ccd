import type { Request } from 'express';
import { SESSION_COOKIE } from './session-token';

function isStringRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The session token from the cookie, or from an `Authorization: Bearer` header for API clients. */
export function readSessionToken(request: Request): string | null {
  const cookies: unknown = request.cookies;
  if (isStringRecord(cookies)) {
    const fromCookie = cookies[SESSION_COOKIE];
    if (typeof fromCookie === 'string' && fromCookie.length > 0) return fromCookie;
  }
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) {
    const token = header.slice('Bearer '.length).trim();
    return token.length > 0 ? token : null;
  }
  return null;
}
