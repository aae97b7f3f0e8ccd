/**
 * What to do about a Graph API error, decided by its `code` alone (Meta asks
 * integrators not to rely on titles or HTTP status). Source: the error table in
 * docs/reference (Meta error-codes page, pywa, integrator tables).
 */
export type GraphErrorAction =
  /** Transient: retry with backoff. */
  | 'retry'
  /** Retry, but not before `retryAfterMs` (e.g. 131049 needs 24 h). */
  | 'retry_later'
  /** Too many messages to this one recipient: back off for them only. */
  | 'recipient_backoff'
  /** Permanent for this message: do not retry. */
  | 'never'
  /** The account is at risk: stop sending and alert the owner. */
  | 'stop_and_alert'
  /** The template or its parameters are wrong. */
  | 'fix_template'
  /** The access token or app permissions are wrong. */
  | 'fix_credentials';

export interface GraphErrorPolicy {
  action: GraphErrorAction;
  retryAfterMs?: number;
  reason: string;
}

const HOUR = 60 * 60 * 1000;

const EXACT: Readonly<Record<number, GraphErrorPolicy>> = {
  0: { action: 'fix_credentials', reason: 'authentication failed' },
  1: { action: 'retry', reason: 'API unknown error' },
  2: { action: 'retry', reason: 'API service temporarily down' },
  3: { action: 'fix_credentials', reason: 'capability or permission missing' },
  4: { action: 'retry', reason: 'app-level API call limit reached' },
  10: { action: 'fix_credentials', reason: 'permission denied' },
  100: { action: 'never', reason: 'invalid parameter' },
  190: { action: 'fix_credentials', reason: 'access token expired or invalid' },
  368: { action: 'stop_and_alert', reason: 'temporarily blocked for policy violations' },
  // The On-Premises API's code for what Cloud API now reports as 131047.
  470: { action: 'never', reason: 'outside the 24-hour customer service window (legacy code): use a template' },
  80007: { action: 'retry', reason: 'WhatsApp Business Account rate limit' },
  130429: { action: 'retry', reason: 'throughput limit of the number reached' },
  130472: { action: 'never', reason: 'user is in a marketing experiment holdout' },
  130497: { action: 'stop_and_alert', reason: 'business restricted from messaging users in this country' },
  131000: { action: 'retry', reason: 'generic error' },
  131008: { action: 'never', reason: 'required parameter missing' },
  131009: { action: 'never', reason: 'parameter value invalid' },
  131016: { action: 'retry', reason: 'service temporarily unavailable' },
  131021: { action: 'never', reason: 'recipient cannot be the sender' },
  131026: { action: 'never', reason: 'message undeliverable to this recipient' },
  131030: { action: 'never', reason: 'recipient not in the allowed list of a test number' },
  131031: { action: 'stop_and_alert', reason: 'business account locked' },
  131042: { action: 'stop_and_alert', reason: 'payment or eligibility issue on the business account' },
  131047: { action: 'never', reason: 'more than 24 hours since the customer last wrote: use a template' },
  131048: { action: 'stop_and_alert', reason: 'spam rate limit: too many messages were blocked or flagged' },
  131049: {
    action: 'retry_later',
    retryAfterMs: 24 * HOUR,
    reason: 'not delivered to keep the ecosystem healthy (per-user marketing limit)',
  },
  131050: { action: 'never', reason: 'the customer stopped marketing messages' },
  131051: { action: 'never', reason: 'unsupported message type' },
  131052: { action: 'never', reason: 'media download error' },
  131053: { action: 'never', reason: 'media upload error' },
  131056: { action: 'recipient_backoff', reason: 'too many messages to this recipient in a short time' },
  131057: { action: 'retry_later', retryAfterMs: 60 * 1000, reason: 'account in maintenance mode' },
  131064: { action: 'stop_and_alert', reason: 'messaging limit reached after template classification violations' },
  133004: { action: 'retry', reason: 'server temporarily unavailable' },
};

/** Classifies a Graph API error code; unknown codes are treated as permanent. */
export function graphErrorPolicy(code: number): GraphErrorPolicy {
  const exact = EXACT[code];
  if (exact) return exact;
  if (code >= 132000 && code < 133000) return { action: 'fix_template', reason: 'template error' };
  if (code >= 200 && code < 300) return { action: 'fix_credentials', reason: 'permission error' };
  return { action: 'never', reason: 'unclassified error' };
}

/** True when the same request may be sent again after a backoff. */
export function isRetryable(policy: GraphErrorPolicy): boolean {
  return policy.action === 'retry' || policy.action === 'retry_later' || policy.action === 'recipient_backoff';
}
