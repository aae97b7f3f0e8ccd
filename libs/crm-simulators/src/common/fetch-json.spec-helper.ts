/** A fetch answer with its JSON body (null when empty), for the simulators' contract tests. */
export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function fetchJson(url: string, init: RequestInit = {}): Promise<JsonAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = null;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: response.headers, body };
}

/** Reads a nested field of an unknown JSON value by path, for assertions (`at(body, 'results', 0, 'id')`). */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[key];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
      current = Object.getOwnPropertyDescriptor(current, key)?.value;
    }
  }
  return current;
}

export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** The array at `path`, or an empty array when there is none there. */
export function listAt(value: unknown, ...path: (string | number)[]): unknown[] {
  const found = at(value, ...path);
  return Array.isArray(found) ? found : [];
}
