import type { SimulatedNumber } from './simulator-state';
import { unixSeconds } from './wire-ids';

/** What a simulated customer sends: words, a tap on a button or list row, or a location. */
export type CustomerMessage =
  | { type: 'text'; text: string }
  | { type: 'button_reply'; id: string; title: string }
  | { type: 'list_reply'; id: string; title: string; description?: string }
  | { type: 'quick_reply'; payload: string; text: string }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string };

/** The `messages[]` item Meta sends for a customer message. */
function messageBody(message: CustomerMessage): Record<string, unknown> {
  switch (message.type) {
    case 'text':
      return { type: 'text', text: { body: message.text } };
    case 'button_reply':
      return { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: message.id, title: message.title } } };
    case 'list_reply':
      return { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: message.id, title: message.title, ...(message.description ? { description: message.description } : {}) } } };
    case 'quick_reply':
      return { type: 'button', button: { payload: message.payload, text: message.text } };
    case 'location':
      return { type: 'location', location: { latitude: message.latitude, longitude: message.longitude, ...(message.name ? { name: message.name } : {}), ...(message.address ? { address: message.address } : {}) } };
  }
}

/** A `messages` webhook carrying one inbound customer message, in Meta's payload shape. */
export function inboundPayload(input: {
  number: SimulatedNumber;
  from: string;
  name: string;
  wamid: string;
  message: CustomerMessage;
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
              metadata: { display_phone_number: input.number.displayPhoneNumber, phone_number_id: input.number.phoneNumberId },
              contacts: [{ profile: { name: input.name }, wa_id: input.from }],
              messages: [{ from: input.from, id: input.wamid, timestamp: unixSeconds(input.sentAt), ...messageBody(input.message) }],
            },
          },
        ],
      },
    ],
  };
}

/** A `messages` webhook carrying one inbound text. */
export function inboundTextPayload(input: { number: SimulatedNumber; from: string; name: string; wamid: string; text: string; sentAt: Date }): Record<string, unknown> {
  return inboundPayload({ ...input, message: { type: 'text', text: input.text } });
}
