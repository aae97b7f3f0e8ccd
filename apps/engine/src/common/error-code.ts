import { ZodError } from 'zod';

function field(value: unknown, key: string): string | null {
  if (typeof value !== 'object' || value === null || !(key in value)) return null;
  const found: unknown = Reflect.get(value, key);
  return typeof found === 'string' && found !== '' ? found : null;
}

/**
 * A short, data-free name for an error, for log lines: PostgreSQL's SQLSTATE
 * (`pg:23505`), `invalid_payload` / `invalid_json` for input that did not
 * parse, else the error's class. Error messages are left out on purpose:
 * they can quote the data that failed (a customer's number, their text).
 */
export function codeOfError(error: unknown): string {
  const sqlState = field(error, 'code');
  if (sqlState !== null && /^[0-9A-Z]{5}$/.test(sqlState)) return `pg:${sqlState}`;
  if (error instanceof ZodError) return 'invalid_payload';
  if (error instanceof SyntaxError) return 'invalid_json';
  if (error instanceof Error) return error.name;
  return typeof error;
}

/** The database constraint an error names (a schema name, never data), when there is one. */
export function errorConstraint(error: unknown): string | null {
  return field(error, 'constraint');
}

/** The code locations of a stack trace, without its first line (the message). */
export function stackFrames(error: unknown): string[] {
  if (!(error instanceof Error) || error.stack === undefined) return [];
  return error.stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
}
