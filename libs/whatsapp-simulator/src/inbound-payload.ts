import type { SimulatedNumber } from './simulator-state';
import { unixSeconds } from './wire-ids';

/** A `messages` webhook carrying one inbound text, in Meta's payload shape. */
export function inboundTextPayload(input: {
  number: SimulatedNumber;
  from: string;
  name: string;
  wamid: string;
  text: string;
  sentAt: Date;
}): Record<string, unknown> {
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
              metadata: {
                display_phone_number: input.number.displayPhoneNumber,
                phone_number_id: input.number.phoneNumberId,
              },
              contacts: [{ profile: { name: input.name }, wa_id: input.from }],
              messages: [
                {
                  from: input.from,
                  id: input.wamid,
                  timestamp: unixSeconds(input.sentAt),
                  type: 'text',
                  text: { body: input.text },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}
