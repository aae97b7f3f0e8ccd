import type { SimulatedNumber } from './simulator-state';
import type { WebhookChange } from './webhook-change';

export const MESSAGING_TIERS = ['TIER_50', 'TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED', 'TIER_NOT_SET'] as const;
export type MessagingTier = (typeof MESSAGING_TIERS)[number];

export const QUALITY_EVENTS = ['ONBOARDING', 'THROUGHPUT_UPGRADE', 'UPGRADE', 'DOWNGRADE', 'FLAGGED', 'UNFLAGGED'] as const;
export type QualityEvent = (typeof QUALITY_EVENTS)[number];

/** The `phone_number_quality_update` change: the number's messaging limit or throughput changed. */
export function qualityUpdateChange(input: {
  number: SimulatedNumber;
  event: QualityEvent;
  currentLimit: MessagingTier;
  oldLimit?: MessagingTier;
}): WebhookChange {
  return {
    wabaId: input.number.wabaId,
    field: 'phone_number_quality_update',
    value: {
      display_phone_number: input.number.displayPhoneNumber,
      event: input.event,
      ...(input.oldLimit ? { old_limit: input.oldLimit } : {}),
      current_limit: input.currentLimit,
      max_daily_conversations_per_business: input.currentLimit,
    },
  };
}
