import { cookies, headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import type { z } from 'zod';
import { CURRENT_PATH_HEADER } from './current-path-header';
import type { EngineProblem } from './engine-problem';
import { engineUrl } from './engine-url';
import { loginPath } from './login-path';
import { readErrorMessage } from './read-error-message';
import { SESSION_COOKIE } from './session-cookie';

const TIMEOUT_MS = 15_000;

export type EngineResult<T> = { ok: true; data: T } | { ok: false; problem: EngineProblem };

type EngineAnswer = { reached: true; status: number; body: unknown } | { reached: false; timedOut: boolean };

/**
 * Calls the engine from the server with the visitor's session cookie. Server
 * components talk to the engine directly; only the browser goes through the
 * /api proxy route.
 */
export async function askEngine(path: string): Promise<EngineAnswer> {
  const session = (await cookies()).get(SESSION_COOKIE);
  const requestHeaders = new Headers({ accept: 'application/json' });
  if (session) requestHeaders.set('cookie', `${SESSION_COOKIE}=${session.value}`);
  let response: Response;
  try {
    response = await fetch(new URL(path, engineUrl()), {
      headers: requestHeaders,
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return { reached: false, timedOut: error instanceof DOMException && error.name === 'TimeoutError' };
  }
  const text = await response.text();
  let body: unknown = null;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { reached: true, status: response.status, body };
}

/** The page being rendered, as `proxy.ts` recorded it. */
export async function currentPath(): Promise<string | null> {
  return (await headers()).get(CURRENT_PATH_HEADER);
}

function describeFailure(status: number, body: unknown): EngineProblem {
  if (status >= 500) {
    return {
      title: 'The Parley engine ran into a problem',
      message: `It answered with error ${status}. This is usually temporary: try again in a moment.`,
    };
  }
  if (status === 403) {
    return {
      title: 'You do not have access to this',
      message: readErrorMessage(body) ?? 'Your role does not allow this. Ask an admin if you need it.',
    };
  }
  return {
    title: 'The request was refused',
    message: readErrorMessage(body) ?? `The Parley engine answered with error ${status}.`,
  };
}

const UNREACHABLE: EngineProblem = {
  title: 'The Parley engine is not reachable',
  message: 'The web app could not contact the engine. Check that it is running, then try again.',
};

const TIMED_OUT: EngineProblem = {
  title: 'The Parley engine did not answer in time',
  message: 'It may be busy or restarting. Try again in a moment.',
};

const UNEXPECTED: EngineProblem = {
  title: 'Unexpected answer from the Parley engine',
  message: 'The engine sent data this page does not understand. The web app and the engine may be different versions.',
};

/**
 * Reads JSON from the engine for a signed-in page. A lost session sends the
 * visitor to the login page (coming back here afterwards); a missing resource
 * shows the not-found page when `notFoundPage` is set; anything else becomes
 * a problem the page can show.
 */
export async function readFromEngine<T>(
  path: string,
  schema: z.ZodType<T>,
  options: { notFoundPage?: boolean } = {},
): Promise<EngineResult<T>> {
  const answer = await askEngine(path);
  if (!answer.reached) return { ok: false, problem: answer.timedOut ? TIMED_OUT : UNREACHABLE };
  if (answer.status === 401) redirect(loginPath(await currentPath()));
  if (answer.status === 404 && options.notFoundPage === true) notFound();
  if (answer.status < 200 || answer.status >= 300) return { ok: false, problem: describeFailure(answer.status, answer.body) };
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) return { ok: false, problem: UNEXPECTED };
  return { ok: true, data: parsed.data };
}
