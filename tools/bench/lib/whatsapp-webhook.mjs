// The body Meta posts to a WhatsApp webhook for customers' messages, addressed
// to the bench number (one place, so every bench speaks the same contract).
import { BENCH } from '../engine/bench-lib.mjs';

/** `{ object, entry: [{ changes: [{ field: 'messages', value }] }] }` for these contacts and messages, not yet serialised. */
export function inboundMessagesPayload({ contacts, messages }) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: BENCH.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: BENCH.displayPhoneNumber, phone_number_id: BENCH.phoneNumberId },
              contacts,
              messages,
            },
          },
        ],
      },
    ],
  };
}
