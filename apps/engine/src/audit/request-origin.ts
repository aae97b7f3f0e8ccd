import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/** Where a request came from, as the audit trail records it. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
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
    storage.run({ ip: request.ip ?? null, userAgent: typeof agent === 'string' ? agent.slice(0, 500) : null }, next);
  };
}

/** The origin of the request being served, or null outside one (background jobs, the CLI). */
export function currentRequestOrigin(): RequestOrigin | null {
  return storage.getStore() ?? null;
}
