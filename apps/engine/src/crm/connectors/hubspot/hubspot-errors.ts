import { z } from 'zod';
import { CrmError } from '../crm-error';
import { type CrmHttpAnswer, retryAfterMs } from '../crm-http';

const envelope = z.object({
  status: z.string().optional(),
  message: z.string().optional(),
  category: z.string().optional(),
  policyName: z.string().optional(),
});

/**
 * HubSpot's error table: its `{status: "error", category, message}` envelope
 * (and the OAuth endpoint's `{status: "BAD_REFRESH_TOKEN"…}`) onto CrmError kinds.
 *
 * | answer | kind |
 * |---|---|
 * | 401 EXPIRED_AUTHENTICATION | token_expired (OAuth: refresh and repeat) |
 * | 401 INVALID_AUTHENTICATION, 403, OAuth 400 BAD_* | auth |
 * | 429 policyName DAILY | quota_exhausted |
 * | 429 TEN_SECONDLY_ROLLING / SECONDLY | rate_limited (wait the interval) |
 * | 400 VALIDATION_ERROR, 409 CONFLICT | validation |
 * | 404 OBJECT_NOT_FOUND | not_found |
 * | 5xx, connection errors | unavailable |
 */
export function classifyHubSpot(answer: CrmHttpAnswer, intervalMs: number): CrmError | null {
  const { status } = answer;
  if (status >= 200 && status < 300) return null;
  const parsed = envelope.safeParse(answer.body);
  const body = parsed.success ? parsed.data : {};
  const message = `HubSpot ${status}${body.category ? ` ${body.category}` : ''}: ${body.message ?? 'no message'}`;
  if (status === 401) return new CrmError(body.category === 'EXPIRED_AUTHENTICATION' ? 'token_expired' : 'auth', message, status);
  if (status === 403) return new CrmError('auth', message, status);
  if (status === 429) {
    if (body.policyName === 'DAILY') return new CrmError('quota_exhausted', message, status, null);
    const wait = retryAfterMs(answer.headers) ?? (body.policyName === 'SECONDLY' ? 1000 : intervalMs);
    return new CrmError('rate_limited', message, status, wait);
  }
  if (status === 404) return new CrmError('not_found', message, status);
  if (status === 400 && body.status?.startsWith('BAD_'))
    return new CrmError('auth', `HubSpot OAuth: ${body.status} ${body.message ?? ''}`, status);
  if (status >= 500) return new CrmError('unavailable', message, status);
  return new CrmError('validation', message, status);
}
