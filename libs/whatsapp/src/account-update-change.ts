import type { WebhookItem } from './webhook-item';
import { recordOf } from './webhook-wire';

/**
 * `account_update` and `business_capability_update`: many shapes (bans,
 * reviews, pricing tiers, limits), so the value is passed on whole and only
 * its `event`, when it has one, is lifted out.
 */
export function parseAccountUpdateChange(wabaId: string, field: string, rawValue: unknown): WebhookItem[] {
  const detail = recordOf(rawValue) ?? { value: rawValue };
  const event = detail['event'];
  return [{ kind: 'account_update', wabaId, field, event: typeof event === 'string' ? event : null, detail }];
}
