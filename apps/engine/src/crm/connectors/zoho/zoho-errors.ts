import { z } from 'zod';
import { CrmError } from '../crm-error';
import type { CrmHttpAnswer, CrmHttpRequest } from '../crm-http';

const apiError = z.object({
  code: z.string(),
  message: z.string().optional(),
  details: z.object({ retry_after: z.number().optional() }).loose().optional(),
});
const listError = z.object({ data: z.array(apiError) });

/** Past this wait a 429 is the 24 h credits, not the concurrency limit. */
const CREDITS_WAIT_MS = 60_000;

/**
 * Zoho CRM's error table: `{code, details, message, status: "error"}`, or a
 * per-record list under `data`.
 *
 * | answer | kind |
 * |---|---|
 * | 401 INVALID_TOKEN | token_expired (refresh and repeat) |
 * | 401 AUTHENTICATION_FAILURE, OAUTH_SCOPE_MISMATCH | auth |
 * | 429 TOO_MANY_REQUESTS, retry_after ≤ 60 s | rate_limited (concurrency) |
 * | 429 TOO_MANY_REQUESTS, longer | quota_exhausted (API credits) |
 * | 400/207 INVALID_DATA, MANDATORY_NOT_FOUND, DUPLICATE_DATA | validation |
 * | 5xx | unavailable |
 * | 204 on a read | not found (handled by the caller) |
 * | 207 / 400 with a per-record list, on a batch write | none: each record's outcome is the caller's |
 */
export function classifyZoho(answer: CrmHttpAnswer, request?: Pick<CrmHttpRequest, 'perRecord'>): CrmError | null {
  const { status } = answer;
  const single = apiError.safeParse(answer.body);
  const list = listError.safeParse(answer.body);
  // A batch write's caller reads each record's outcome from the list.
  if (request?.perRecord && (status === 207 || status === 400) && list.success && list.data.data.length > 0) return null;
  const failedItem = list.success ? list.data.data.find((item) => item.code !== 'SUCCESS') : undefined;
  if (status >= 200 && status < 300 && !(status === 207 && failedItem)) return null;
  if (status === 304) return null;
  const error = single.success ? single.data : failedItem;
  const code = error?.code ?? 'UNKNOWN';
  const message = `Zoho ${status} ${code}: ${error?.message ?? 'no message'}`;
  if (status === 401) return new CrmError(code === 'INVALID_TOKEN' ? 'token_expired' : 'auth', message, status);
  if (status === 429) {
    const wait = (error?.details?.retry_after ?? 1) * 1000;
    return wait > CREDITS_WAIT_MS
      ? new CrmError('quota_exhausted', message, status, wait)
      : new CrmError('rate_limited', message, status, wait);
  }
  if (status === 404) return new CrmError('not_found', message, status);
  if (status >= 500) return new CrmError('unavailable', message, status);
  return new CrmError('validation', message, status);
}
