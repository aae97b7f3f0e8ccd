export interface ApiResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface ApiClient {
  token: string | null;
  request(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  get(path: string): Promise<ApiResponse>;
  post(path: string, body?: unknown): Promise<ApiResponse>;
  put(path: string, body?: unknown): Promise<ApiResponse>;
  /** Signs in and returns a client that sends the session token. */
  login(email: string, password: string): Promise<ApiClient>;
}

/** A small JSON client for the engine API, signed in when `token` is given. */
export function apiClient(baseUrl: string, token: string | null): ApiClient {
  async function request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }
  return {
    token,
    request,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body ?? {}),
    put: (path, body) => request('PUT', path, body),
    async login(email, password) {
      const response = await request('POST', '/api/auth/login', { email, password });
      const body = response.body;
      const sessionToken =
        typeof body === 'object' && body !== null && 'token' in body && typeof body.token === 'string' ? body.token : null;
      if (response.status !== 200 || !sessionToken) throw new Error(`login as ${email} failed: ${response.status} ${JSON.stringify(body)}`);
      return apiClient(baseUrl, sessionToken);
    },
  };
}
