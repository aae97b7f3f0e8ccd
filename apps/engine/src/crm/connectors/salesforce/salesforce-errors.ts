import { z } from 'zod';
import { CrmError } from '../crm-error';
import type { CrmHttpAnswer } from '../crm-http';

const errorList = z.array(z.object({ message: z.string(), errorCode: z.string() }));
const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * Salesforce's error table: answers are a JSON array of `{message, errorCode}`
 * (the OAuth endpoint: `{error, error_description}`).
 *
 * | answer | kind |
 * |---|---|
 * | 401 INVALID_SESSION_ID | token_expired (refresh and repeat) |
 * | OAuth 400 invalid_grant / invalid_client* | auth |
 * | 403 REQUEST_LIMIT_EXCEEDED | quota_exhausted (24 h allocation; no Retry-After) |
 * | 300 (several records share the external id) | ambiguous (goes to a person) |
 * | 404 NOT_FOUND | not_found |
 * | 400 REQUIRED_FIELD_MISSING, INVALID_FIELD, … | validation |
 * | 5xx, 503 outage | unavailable |
 */
export function classifySalesforce(answer: CrmHttpAnswer): CrmError | null {
  const { status } = answer;
  if (status >= 200 && status < 300) return null;
  if (status === 300) return new CrmError('ambiguous', 'Salesforce: several records have this number in Phone_E164__c', status);
  const list = errorList.safeParse(answer.body);
  const first = list.success ? list.data[0] : undefined;
  const oauth = oauthError.safeParse(answer.body);
  const code = first?.errorCode ?? (oauth.success ? oauth.data.error : 'UNKNOWN');
  const message = `Salesforce ${status} ${code}: ${first?.message ?? (oauth.success ? (oauth.data.error_description ?? '') : 'no message')}`;
  if (status === 401 && code === 'INVALID_SESSION_ID') return new CrmError('token_expired', message, status);
  if (status === 401 || (oauth.success && status === 400)) return new CrmError('auth', message, status);
  if (status === 403 && code === 'REQUEST_LIMIT_EXCEEDED') return new CrmError('quota_exhausted', message, status);
  if (status === 403) return new CrmError('auth', message, status);
  if (status === 404) return new CrmError('not_found', message, status);
  if (status >= 500) return new CrmError('unavailable', message, status);
  return new CrmError('validation', message, status);
}
