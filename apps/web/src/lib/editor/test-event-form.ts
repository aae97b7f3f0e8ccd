import { isRecord } from './is-record';

/**
 * The hand-built event of a test run: which fields each event type offers in
 * the form, and how typed text becomes the payload the engine checks. The
 * engine fills ids and defaults (wamid, flowId...), so only what a person
 * decides is asked for.
 */

export type EventFieldKind = 'text' | 'number' | 'choice' | 'object';

export interface EventField {
  key: string;
  label: string;
  kind: EventFieldKind;
  required: boolean;
  /** For "choice": the values offered ("" = not set, when the field is optional). */
  options?: readonly string[];
  help?: string;
}

const MESSAGE_FIELDS: readonly EventField[] = [
  { key: 'text', label: 'Message text', kind: 'text', required: false, help: 'What the customer writes.' },
  {
    key: 'replyKind',
    label: 'Reply kind',
    kind: 'choice',
    required: false,
    options: ['', 'button', 'list'],
    help: 'Only for a tap on a reply button or list row.',
  },
  { key: 'replyId', label: 'Reply id', kind: 'text', required: false },
];

const ORDER_FIELDS: readonly EventField[] = [
  { key: 'orderId', label: 'Order id', kind: 'text', required: true },
  { key: 'status', label: 'Order status', kind: 'text', required: true },
  { key: 'total', label: 'Total', kind: 'number', required: false },
  { key: 'currency', label: 'Currency', kind: 'text', required: false, help: 'Three letters, e.g. EUR.' },
  { key: 'trackingUrl', label: 'Tracking link', kind: 'text', required: false },
];

const DEAL_FIELDS: readonly EventField[] = [
  { key: 'dealId', label: 'Deal id', kind: 'text', required: true },
  { key: 'stage', label: 'New stage', kind: 'text', required: true },
  { key: 'previousStage', label: 'Previous stage', kind: 'text', required: false },
  { key: 'amount', label: 'Amount', kind: 'number', required: false },
];

const SIGNAL_FIELDS: readonly EventField[] = [
  { key: 'reference', label: 'Reference', kind: 'text', required: false, help: 'The store visited, or the link or product clicked.' },
  { key: 'data', label: 'Extra data', kind: 'object', required: false },
];

const CONTACT_FIELDS: readonly EventField[] = [
  { key: 'tag', label: 'Tag', kind: 'text', required: false },
  { key: 'field', label: 'Field', kind: 'text', required: false },
  { key: 'newValue', label: 'New value', kind: 'text', required: false },
];

const DATA_FIELDS: readonly EventField[] = [
  { key: 'data', label: 'Data', kind: 'object', required: false, help: 'Values the flow reads as event.data.' },
];

const FIELDS: Readonly<Record<string, readonly EventField[]>> = {
  'message.received': MESSAGE_FIELDS,
  'message.status': [
    { key: 'wamid', label: 'Message id (wamid)', kind: 'text', required: true },
    { key: 'status', label: 'Status', kind: 'choice', required: true, options: ['sent', 'delivered', 'read', 'played', 'failed'] },
  ],
  'message.not_read': [{ key: 'hours', label: 'Hours without being read', kind: 'number', required: false }],
  'order.created': ORDER_FIELDS,
  'order.paid': ORDER_FIELDS,
  'order.shipped': ORDER_FIELDS,
  'deal.stage_changed': DEAL_FIELDS,
  'store.visited': SIGNAL_FIELDS,
  'link.clicked': SIGNAL_FIELDS,
  'contact.created': CONTACT_FIELDS,
  'contact.tag_added': CONTACT_FIELDS,
  'contact.tag_removed': CONTACT_FIELDS,
  'contact.field_changed': CONTACT_FIELDS,
  'manual.run': DATA_FIELDS,
  'schedule.tick': DATA_FIELDS,
  'webhook.received': DATA_FIELDS,
};

const EVENT_NAMES: Readonly<Record<string, string>> = {
  'message.received': 'Message from the customer',
  'message.status': 'Message status update',
  'message.not_read': 'Message not read',
  'order.created': 'Order created',
  'order.paid': 'Order paid',
  'order.shipped': 'Order shipped',
  'deal.stage_changed': 'Deal stage changed',
  'store.visited': 'Store visited',
  'link.clicked': 'Link clicked',
  'contact.created': 'Contact created',
  'contact.tag_added': 'Tag added',
  'contact.tag_removed': 'Tag removed',
  'contact.field_changed': 'Contact field changed',
  'contact.merged': 'Duplicate merged in',
  'contact.merge_undone': 'Merge undone',
  'manual.run': 'Run by hand',
  'schedule.tick': 'Scheduled time',
  'webhook.received': 'Incoming webhook',
};

export function eventFields(type: string): readonly EventField[] {
  return FIELDS[type] ?? DATA_FIELDS;
}

/** "Order paid (order.paid)": a name people know, with the id the engine logs. */
export function eventTypeName(type: string): string {
  const name = EVENT_NAMES[type];
  return name ? `${name} (${type})` : type;
}

/** The text a field's input shows for the payload's value. */
export function fieldText(payload: Readonly<Record<string, unknown>>, field: EventField): string {
  const value = payload[field.key];
  if (value === undefined || value === null) return '';
  if (field.kind === 'object') return isRecord(value) && Object.keys(value).length === 0 ? '' : JSON.stringify(value, null, 2);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export type FieldChange = { ok: true; payload: Record<string, unknown> } | { ok: false; message: string };

/** The payload with one field set from what was typed; an empty field is left out, so the engine's default applies. */
export function setEventField(payload: Readonly<Record<string, unknown>>, field: EventField, text: string): FieldChange {
  const next: Record<string, unknown> = { ...payload };
  if (text.trim() === '') {
    delete next[field.key];
    return { ok: true, payload: next };
  }
  if (field.kind === 'number') {
    const number = Number(text);
    if (!Number.isFinite(number)) return { ok: false, message: `${field.label} must be a number.` };
    next[field.key] = number;
    return { ok: true, payload: next };
  }
  if (field.kind === 'object') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, message: `${field.label} is not valid JSON yet, e.g. {"sku": "TABLE-1"}.` };
    }
    if (!isRecord(parsed)) return { ok: false, message: `${field.label} must be a JSON object, e.g. {"sku": "TABLE-1"}.` };
    next[field.key] = parsed;
    return { ok: true, payload: next };
  }
  next[field.key] = text;
  return { ok: true, payload: next };
}

/** The first required field without a value, as a sentence; null when the event can be sent. */
export function missingEventField(type: string, payload: Readonly<Record<string, unknown>>): string | null {
  const missing = eventFields(type).find((field) => field.required && fieldText(payload, field).trim() === '');
  return missing ? `Fill in “${missing.label}” of the event.` : null;
}

/** Parses the advanced JSON view of the payload. */
export function parsePayloadJson(text: string): FieldChange {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: 'The event payload is not valid JSON yet.' };
  }
  return isRecord(parsed) ? { ok: true, payload: parsed } : { ok: false, message: 'The event payload must be a JSON object.' };
}
