import { ERROR_CODES_HREF } from './meta-errors';
import type { StatusPricing } from './pricing';
import type { SimulatedNumber } from './simulator-state';
import { webhookEnvelope, type WebhookChange } from './webhook-change';
import { unixSeconds } from './wire-ids';

export type SimulatedStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusInput {
  number: SimulatedNumber;
  wamid: string;
  recipient: string;
  status: SimulatedStatus;
  at: Date;
  /** Echoed from the send request, as Meta does. */
  callbackData: string | null;
  error: { code: number; title: string; details?: string } | null;
  /** Sent and delivered statuses carry pricing; read and failed do not. */
  pricing?: StatusPricing | null;
  /** The conversation the message counts in (sent and delivered); the expiry only on `sent`. */
  conversation?: { id: string; expiresAt: Date | null } | null;
  /** The recipient's BSUID, when the send addressed one. */
  recipientUserId?: string | null;
}

/** The `statuses[]` item of a message the business sent, in Meta's shape. */
export function statusObject(input: StatusInput): Record<string, unknown> {
  const withPricing = input.status === 'sent' || input.status === 'delivered';
  return {
    id: input.wamid,
    status: input.status,
    timestamp: unixSeconds(input.at),
    ...(input.recipientUserId && input.recipient === input.recipientUserId ? {} : { recipient_id: input.recipient }),
    ...(input.recipientUserId ? { recipient_user_id: input.recipientUserId } : {}),
    ...(input.callbackData === null ? {} : { biz_opaque_callback_data: input.callbackData }),
    ...(withPricing && input.conversation && input.pricing
      ? {
          conversation: {
            id: input.conversation.id,
            ...(input.status === 'sent' && input.conversation.expiresAt
              ? { expiration_timestamp: unixSeconds(input.conversation.expiresAt) }
              : {}),
            origin: { type: input.pricing.category },
          },
        }
      : {}),
    ...(withPricing && input.pricing ? { pricing: input.pricing } : {}),
    ...(input.error === null
      ? {}
      : {
          errors: [
            {
              code: input.error.code,
              title: input.error.title,
              message: input.error.title,
              error_data: { details: input.error.details ?? input.error.title },
              href: ERROR_CODES_HREF,
            },
          ],
        }),
  };
}

/** A `messages` change carrying statuses of messages the business sent. */
export function statusChange(number: SimulatedNumber, statuses: Record<string, unknown>[]): WebhookChange {
  return {
    wabaId: number.wabaId,
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: number.displayPhoneNumber, phone_number_id: number.phoneNumberId },
      statuses,
    },
  };
}

/** A `messages` webhook carrying one status of a message the business sent, in Meta's payload shape. */
export function statusPayload(input: StatusInput): Record<string, unknown> {
  return webhookEnvelope([statusChange(input.number, [statusObject(input)])]);
}
