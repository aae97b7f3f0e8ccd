/** Where the engine listens. Read per request: it is a runtime setting, not a build-time one. */
export function engineUrl(): string {
  return process.env['ENGINE_URL'] ?? 'http://127.0.0.1:3001';
}
