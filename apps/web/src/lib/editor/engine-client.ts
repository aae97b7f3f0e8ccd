import type { z } from 'zod';
import { readErrorMessage } from '../read-error-message';

export type ClientAnswer<T> = { ok: true; status: number; data: T } | { ok: false; status: number; message: string; body: unknown };

/**
 * Calls the engine from the browser through the /api proxy (the session
 * cookie goes along) and checks the answer's shape. Never throws: a network
 * failure is status 0 with a message to show.
 */
export async function callEngine<T>(path: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<ClientAnswer<T>> {
  let response: Response;
  try {
    const headers = new Headers(init.headers);
    headers.set('accept', 'application/json');
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    response = await fetch(path, {
      ...init,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, status: 0, message: 'The Parley server could not be reached. Check your connection.', body: null };
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!response.ok) {
    return {
      ok: false,
      status: response.status,
      message: readErrorMessage(body) ?? `The server answered with error ${response.status}.`,
      body,
    };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    return { ok: false, status: response.status, message: 'The server sent an answer this page does not understand.', body };
  return { ok: true, status: response.status, data: parsed.data };
}
