import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/** An API key that authenticated the request: the audit trail names it as the actor. */
export interface ApiKeyActor {
  id: string;
  name: string;
  /** The key's first characters (null for keys made before prefixes were kept). */
  prefix: string | null;
}

/** Where a request came from, as the audit trail records it. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
  /** Set once the session guard has accepted an API key for this request. */
  apiKey: ApiKeyActor | null;
}

const storage = new AsyncLocalStorage<RequestOrigin>();

/**
 * Keeps the caller's address and user agent for the rest of the request, so
 * every audit entry written while serving it says where the change came from
 * without each service passing the request along.
 */
export function trackRequestOrigin() {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const agent = request.headers['user-agent'];
    storage.run({ ip: request.ip ?? null, userAgent: typeof agent === 'string' ? agent.slice(0, 500) : null, apiKey: null }, next);
  };
}

/** The origin of the request being served, or null outside one (background jobs, the CLI). */
export function currentRequestOrigin(): RequestOrigin | null {
  return storage.getStore() ?? null;
}

/** Notes that the request being served acts with an API key, so what it changes is recorded as done by the key. */
export function noteApiKeyActor(key: ApiKeyActor): void {
  const origin = storage.getStore();
  if (origin) origin.apiKey = key;
}
