/**
 * How a CRM failure is handled, whatever the CRM: each connector's error
 * table maps its answers onto these kinds.
 */
export type CrmErrorKind =
  /** Too many calls now: wait (retryAfterMs) and try again. */
  | 'rate_limited'
  /** The daily / 24 h allocation is spent: nothing works until it refills. */
  | 'quota_exhausted'
  /** The credentials are wrong or revoked: a person must fix the connection. */
  | 'auth'
  /** The access token expired: refresh it and repeat the call. */
  | 'token_expired'
  /** The CRM refused the data (a field, a value): retrying the same call cannot help. */
  | 'validation'
  | 'not_found'
  /** Several records match where one was expected (e.g. Salesforce's 300): a person decides. */
  | 'ambiguous'
  /** The CRM is down, slow or answered 5xx: retry later. */
  | 'unavailable';

const RETRYABLE: ReadonlySet<CrmErrorKind> = new Set(['rate_limited', 'token_expired', 'unavailable', 'quota_exhausted']);

export class CrmError extends Error {
  constructor(
    readonly kind: CrmErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'CrmError';
  }

  /** Worth another attempt later (the outbox retries these; validation and auth need a person). */
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}
