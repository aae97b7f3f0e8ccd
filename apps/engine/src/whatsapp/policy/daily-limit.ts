import { MESSAGING_LIMIT_TIERS_BY_NAME } from '@parley/whatsapp';

/**
 * The daily limit of unique business-initiated recipients that applies to a
 * number: the lower of the workspace's setting and the tier Meta last
 * reported for the number (quality webhooks); null when neither limits it.
 */
export function effectiveDailyLimit(configured: number | null, reportedTier: string | null | undefined): number | null {
  const reported =
    reportedTier !== null && reportedTier !== undefined && reportedTier in MESSAGING_LIMIT_TIERS_BY_NAME
      ? (MESSAGING_LIMIT_TIERS_BY_NAME[reportedTier] ?? null)
      : null;
  if (reported === null) return configured;
  return configured === null ? reported : Math.min(configured, reported);
}
