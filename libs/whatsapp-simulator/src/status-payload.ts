import type { SimulatedNumber } from './simulator-state';
import { unixSeconds } from './wire-ids';

export type SimulatedStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** A `messages` webhook carrying one status of a message the business sent, in Meta's payload shape. */
export function statusPayload(input: {
  number: SimulatedNumber;
  wamid: string;
  recipient: string;
  status: SimulatedStatus;
  at: Date;
  /** Echoed from the send request, as Meta does. */
  callbackData: string | null;
  error: { code: number; title: string } | null;
}): Record<string, unknown> {
  const status: Record<string, unknown> = {
    id: input.wamid,
    status: input.status,
    timestamp: unixSeconds(input.at),
    recipient_id: input.recipient,
    ...(input.callbackData === null ? {} : { biz_opaque_callback_data: input.callbackData }),
    ...(input.error === null ? {} : { errors: [{ code: input.error.code, title: input.error.title, message: input.error.title, error_data: { details: input.error.title } }] }),
  };
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: input.number.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: input.number.displayPhoneNumber, phone_number_id: input.number.phoneNumberId },
              statuses: [status],
            },
          },
        ],
      },
    ],
  };
}
