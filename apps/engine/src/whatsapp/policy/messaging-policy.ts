import { z } from 'zod';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');

/**
 * The workspace's sending rules. Defaults follow WhatsApp's policy and the
 * product brief; every number can be changed per workspace.
 */
export const messagingPolicySchema = z.object({
  /** Marketing templates (business-initiated) need the contact's marketing opt-in. */
  marketingTemplatesNeedOptIn: z.boolean().default(true),
  /** Templates to a contact who has not opted in to that kind of message: at most this many per 24 h. */
  templatesPerDayWithoutOptIn: z.number().int().min(0).max(100).default(1),
  /** The same content at most this many times per 30 days to one contact. */
  sameContentPer30Days: z.number().int().min(1).max(1000).default(5),
  /** Promotional (marketing) messages at least this many days apart per contact. */
  marketingMinDaysApart: z.number().min(0).max(365).default(7),
  /** Identical service notifications (same utility template or text) at least this many hours apart. */
  notificationMinHoursApart: z
    .number()
    .min(0)
    .max(24 * 30)
    .default(6),
  /** Meta does not deliver marketing to US (+1) numbers. */
  blockMarketingToUs: z.boolean().default(true),
  /** No business-initiated or marketing messages in these local hours (deferred, not dropped). */
  quietHours: z
    .object({ enabled: z.boolean().default(true), start: clockTime.default('21:00'), end: clockTime.default('08:00') })
    .default({ enabled: true, start: '21:00', end: '08:00' }),
  /** Quiet hours do not hold back replies to a customer who wrote this recently. */
  conversationActiveMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(60),
  /** At least this long between two messages to one recipient (Meta's pair rate is about 1 per 6 s). */
  recipientSpacingSeconds: z.number().min(0).max(3600).default(6),
  /**
   * Unique recipients of business-initiated messages per moving 24 h: Meta's portfolio tiers are 250, 2,000,
   * 10,000, 100,000 and unlimited (null); a lower number keeps a margin. The lower of this and the tier Meta reports for the number applies.
   */
  dailyRecipientLimit: z.number().int().min(1).max(100_000_000).nullable().default(250),
  /** Above this share of the daily limit, new recipients are spread over the day instead of sent at once. */
  batchAbovePercent: z.number().min(1).max(100).default(80),
});
export type MessagingPolicy = z.infer<typeof messagingPolicySchema>;
