import { z } from 'zod';
import type { WebhookItem } from './webhook-item';
import { firstIssue, optionalString } from './webhook-wire';

const qualityValueSchema = z.looseObject({
  display_phone_number: optionalString,
  event: z.string().min(1),
  current_limit: optionalString,
  old_limit: optionalString,
  max_daily_conversations_per_business: optionalString,
});

/**
 * `phone_number_quality_update`: a change of messaging limit (now set for the
 * whole business portfolio) or of throughput. Meta announced that
 * `current_limit` and `old_limit` go away in favour of
 * `max_daily_conversations_per_business`, so that one stands in when
 * `current_limit` is missing.
 */
export function parseNumberQualityChange(wabaId: string, field: string, rawValue: unknown): WebhookItem[] {
  const value = qualityValueSchema.safeParse(rawValue);
  if (!value.success) return [{ kind: 'skipped', wabaId, field, reason: firstIssue(value.error) }];
  const { data } = value;
  return [
    {
      kind: 'number_quality',
      wabaId,
      displayPhoneNumber: data.display_phone_number ?? null,
      event: data.event,
      currentLimit: data.current_limit ?? data.max_daily_conversations_per_business ?? null,
      oldLimit: data.old_limit ?? null,
    },
  ];
}
