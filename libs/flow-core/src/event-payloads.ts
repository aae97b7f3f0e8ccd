import { z } from 'zod';

/**
 * The events flows react to, and the payload each carries. Shared so that the
 * engine writes exactly what triggers read and the canvas offers as variables.
 */
export const EVENT_TYPES = [
  'message.received',
  'message.status',
  'message.not_read',
  'contact.created',
  'contact.tag_added',
  'contact.tag_removed',
  'contact.field_changed',
  /** Another contact was merged into this one (payload: mergeId, mergedContactId). */
  'contact.merged',
  /** A merge into this contact was undone (payload: mergeId, restoredContactId). */
  'contact.merge_undone',
  'order.created',
  'order.paid',
  'order.shipped',
  'deal.stage_changed',
  'store.visited',
  'link.clicked',
  'schedule.tick',
  'webhook.received',
  'manual.run',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && EVENT_TYPES.some((t) => t === value);
}

/** The CRM events connectors and webhooks may post (a subset of EVENT_TYPES). */
export const CRM_EVENT_TYPES = [
  'order.created',
  'order.paid',
  'order.shipped',
  'deal.stage_changed',
  'store.visited',
  'link.clicked',
] as const;
export type CrmEventType = (typeof CRM_EVENT_TYPES)[number];

export const inboundMessagePayloadSchema = z.object({
  wamid: z.string(),
  phoneNumberId: z.string(),
  messageType: z.string(),
  text: z.string().nullable(),
  /** Id of the reply button or list row the customer tapped, if any. */
  replyId: z.string().nullable().default(null),
  /** "button" (reply buttons and template quick replies) or "list". */
  replyKind: z.enum(['button', 'list']).nullable().default(null),
  location: z.object({ latitude: z.number(), longitude: z.number() }).nullable().default(null),
});
export type InboundMessagePayload = z.infer<typeof inboundMessagePayloadSchema>;

export const messageStatusPayloadSchema = z.object({
  wamid: z.string(),
  status: z.enum(['sent', 'delivered', 'read', 'played', 'failed']),
  errorCode: z.number().nullable().default(null),
  flowId: z.string().nullable().default(null),
  /** The send's biz_opaque_callback_data (our idempotency key), when Meta echoes it. */
  callbackKey: z.string().nullable().default(null),
});

export const messageNotReadPayloadSchema = z.object({
  wamid: z.string(),
  hours: z.number(),
  sentAt: z.string(),
  flowId: z.string().nullable().default(null),
});

export const contactEventPayloadSchema = z.object({
  tag: z.string().nullable().default(null),
  field: z.string().nullable().default(null),
  oldValue: z.unknown().optional(),
  newValue: z.unknown().optional(),
  source: z.string().nullable().default(null),
});

export const contactMergePayloadSchema = z.object({
  mergeId: z.string(),
  mergedContactId: z.string().optional(),
  restoredContactId: z.string().optional(),
});

export const orderPayloadSchema = z.object({
  orderId: z.string(),
  status: z.string(),
  total: z.number().nullable().default(null),
  currency: z.string().nullable().default(null),
  trackingUrl: z.string().nullable().default(null),
});

export const dealPayloadSchema = z.object({
  dealId: z.string(),
  stage: z.string(),
  previousStage: z.string().nullable().default(null),
  amount: z.number().nullable().default(null),
});

export const crmSignalPayloadSchema = z.object({
  /** store.visited: the store; link.clicked: the URL or product. */
  reference: z.string().nullable().default(null),
  data: z.record(z.string(), z.unknown()).default({}),
});

export const flowScopedPayloadSchema = z.object({
  /** Schedule ticks, incoming webhooks and manual runs start one flow only. */
  flowId: z.string(),
  data: z.record(z.string(), z.unknown()).default({}),
});
