import { QueryFailedError } from 'typeorm';

/**
 * SQLSTATE classes and codes that say "try again later", not "this input is
 * wrong": the connection (08), a serialization failure or deadlock (40), the
 * server out of resources (53), shutting down or cancelling (57), a system
 * error such as I/O (58), a lock not available (55P03).
 */
const TRANSIENT_CLASSES = ['08', '40', '53', '57', '58'];
const TRANSIENT_CODES = ['55P03', '55006'];
/** Errors of the driver and the socket below it, before PostgreSQL answered at all. */
const CONNECTION_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'];
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /query read timeout/i,
];

function codeOf(value: unknown): string | null {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string' ? value.code : null;
}

/**
 * True for a failure that a later attempt may not meet (the database down or
 * busy, a deadlock); false for one every attempt would meet again (a
 * constraint, bad data, a bug), which retrying only delays.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = error instanceof QueryFailedError ? codeOf(error.driverError) : codeOf(error);
  if (code !== null) {
    if (CONNECTION_CODES.includes(code) || TRANSIENT_CODES.includes(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_CLASSES.includes(code.slice(0, 2));
  }
  const message = error instanceof Error ? error.message : '';
  return CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
}
