import { obj, str } from './json-value';

/** A signed-in API client for arranging what a browser test needs (users, flows, edits made "elsewhere"). */
export interface EngineApi {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text.length > 0 ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

export async function engineApi(engineUrl: string, credentials: { email: string; password: string }): Promise<EngineApi> {
  const login = await fetch(`${engineUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (login.status !== 200) throw new Error(`Sign-in failed with ${login.status}`);
  const authorization = `Bearer ${str(obj(await readBody(login))['token'])}`;
  return {
    async request(method, path, body) {
      const response = await fetch(`${engineUrl}${path}`, {
        method,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await readBody(response) };
    },
  };
}
