import { z } from 'zod';
import { lenient, optionalBoolean, optionalString, recordOf, unixSecondsSchema, type WebhookError, webhookErrors } from './webhook-wire';

/** One `value.statuses[]` item: the fate of a message the business sent. */
export const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: unixSecondsSchema,
  recipient_id: optionalString,
  biz_opaque_callback_data: optionalString,
  errors: lenient(z.array(z.unknown())),
  pricing: lenient(
    z.looseObject({ billable: optionalBoolean, pricing_model: optionalString, category: optionalString, type: optionalString }),
  ),
  conversation: lenient(
    z.looseObject({
      id: optionalString,
      expiration_timestamp: lenient(unixSecondsSchema),
      origin: lenient(z.looseObject({ type: optionalString })),
    }),
  ),
});
export type StatusWire = z.infer<typeof statusSchema>;

export interface MessageStatusUpdate {
  wamid: string;
  status: string;
  timestamp: Date;
  recipientId: string | null;
  callbackData: string | null;
  /** The first of `errors`, kept for callers that only need one. */
  errorCode: number | null;
  errorTitle: string | null;
  /**
   * What Meta charges for the message. Read the category and type from here
   * rather than assuming them: pricing rules change (per-message pricing since
   * July 2025). `billable` is deprecated by Meta and may be absent.
   */
  pricing: { billable: boolean | null; model: string | null; category: string | null; type: string | null } | null;
  /** Conversation-based pricing (before July 2025); `category` is the origin type. */
  conversation: { id: string | null; category: string | null; expiresAt: Date | null } | null;
  errors: WebhookError[];
  raw: Record<string, unknown>;
}

/** The engine's view of one parsed `statuses[]` item; `raw` is the object as received. */
export function toStatusUpdate(status: StatusWire, raw: unknown): MessageStatusUpdate {
  const errors = webhookErrors(status.errors);
  const first = errors[0];
  const { pricing, conversation } = status;
  return {
    wamid: status.id,
    status: status.status,
    timestamp: status.timestamp,
    recipientId: status.recipient_id ?? null,
    callbackData: status.biz_opaque_callback_data ?? null,
    errorCode: first?.code ?? null,
    errorTitle: first?.title ?? null,
    pricing: pricing
      ? {
          billable: pricing.billable ?? null,
          model: pricing.pricing_model ?? null,
          category: pricing.category ?? null,
          type: pricing.type ?? null,
        }
      : null,
    conversation: conversation
      ? { id: conversation.id ?? null, category: conversation.origin?.type ?? null, expiresAt: conversation.expiration_timestamp ?? null }
      : null,
    errors,
    raw: recordOf(raw) ?? {},
  };
}
