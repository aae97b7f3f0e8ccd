/**
 * An event as the runtime hands it to triggers and steps. Events are stored
 * once (idempotent by their source id) before any flow sees them.
 */
export interface RuntimeEvent {
  id: string;
  type: RuntimeEventType;
  /** When the event happened at its source (e.g. the WhatsApp message timestamp). */
  occurredAt: Date;
  contactId: string | null;
  payload: RuntimeEventPayload;
}

export type RuntimeEventType = 'message.received';

export interface InboundMessagePayload {
  wamid: string;
  phoneNumberId: string;
  messageType: string;
  /** Text the customer wrote (text messages, captions, button titles). */
  text: string | null;
}

export type RuntimeEventPayload = InboundMessagePayload;
