/**
 * What the engine and its CLI print when they cannot start: the error's message,
 * never a stack unless asked (LOG_LEVEL debug or trace), because whoever ran
 * `npm start` or `npm run worker` needs the reason, not Node's internals. A
 * refused connection can come as an AggregateError with an empty message; its
 * parts are listed instead.
 */
export function failureMessage(error: unknown, withStack = false): string {
  if (!(error instanceof Error)) return String(error);
  if (withStack && error.stack) return error.stack;
  const parts = error instanceof AggregateError ? error.errors.map((part) => failureMessage(part)) : [];
  const own = error.message || ('code' in error && typeof error.code === 'string' ? error.code : error.name);
  return parts.length > 0 && !error.message ? parts.join('; ') : [own, ...parts].join('; ');
}

/** LOG_LEVEL asks for detail. */
export function wantsStack(env: NodeJS.ProcessEnv): boolean {
  return env['LOG_LEVEL'] === 'debug' || env['LOG_LEVEL'] === 'trace';
}
