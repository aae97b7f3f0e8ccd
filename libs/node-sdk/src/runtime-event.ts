import type { EventType } from '@parley/flow-core';

/**
 * An event as the runtime hands it to triggers and steps. Events are stored
 * once (idempotent by their source id) before any flow sees them, and always
 * belong to a contact.
 */
export interface RuntimeEvent {
  id: string;
  type: EventType;
  /** When the event happened at its source (e.g. the WhatsApp message timestamp). */
  occurredAt: Date;
  contactId: string;
  /** Shape per type: see the payload schemas in @parley/flow-core. */
  payload: Readonly<Record<string, unknown>>;
}
