import {
  contactEventPayloadSchema,
  contactMergePayloadSchema,
  crmSignalPayloadSchema,
  dealPayloadSchema,
  type EventType,
  flowScopedPayloadSchema,
  inboundMessagePayloadSchema,
  messageNotReadPayloadSchema,
  messageStatusPayloadSchema,
  orderPayloadSchema,
} from '@parley/flow-core';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SimulatorCustomerMessage } from './simulator-client.service';

export interface TestEventContext {
  flowId: string;
  /** The business number the simulated customer writes to. */
  phoneNumberId: string;
  now: Date;
}

export type TestEventPayload = { ok: true; payload: Record<string, unknown> } | { ok: false; message: string };

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `payload.${issue.path.join('.')}` : 'payload'}: ${issue.message}`)
    .join('; ');
}

function parsed(schema: z.ZodType<Record<string, unknown>>, input: Record<string, unknown>): TestEventPayload {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, payload: result.data } : { ok: false, message: describe(result.error) };
}

/**
 * The payload a hand-built test event carries, as the engine would have
 * written it for a real one: the person gives what matters (the text, the
 * order) and ids the channel would assign are filled in.
 */
export function testEventPayload(type: EventType, input: Record<string, unknown>, context: TestEventContext): TestEventPayload {
  switch (type) {
    case 'message.received': {
      const messageType =
        input['location'] !== undefined && input['location'] !== null ? 'location' : input['replyId'] ? 'interactive' : 'text';
      return parsed(inboundMessagePayloadSchema, {
        text: null,
        messageType,
        ...input,
        wamid: `wamid.test.${randomUUID()}`,
        phoneNumberId: context.phoneNumberId,
      });
    }
    case 'message.status':
      return parsed(messageStatusPayloadSchema, { flowId: context.flowId, ...input });
    case 'message.not_read':
      return parsed(messageNotReadPayloadSchema, {
        wamid: `wamid.test.${randomUUID()}`,
        hours: 24,
        sentAt: context.now.toISOString(),
        flowId: context.flowId,
        ...input,
      });
    case 'contact.created':
    case 'contact.tag_added':
    case 'contact.tag_removed':
    case 'contact.field_changed':
      return parsed(contactEventPayloadSchema, { source: 'test', ...input });
    case 'contact.merged':
    case 'contact.merge_undone':
      return parsed(contactMergePayloadSchema, input);
    case 'order.created':
    case 'order.paid':
    case 'order.shipped':
      return parsed(orderPayloadSchema, input);
    case 'deal.stage_changed':
      return parsed(dealPayloadSchema, input);
    case 'store.visited':
    case 'link.clicked':
      return parsed(crmSignalPayloadSchema, input);
    case 'schedule.tick':
    case 'webhook.received':
    case 'manual.run':
      // These events name the one flow they start.
      return parsed(flowScopedPayloadSchema, { ...input, flowId: context.flowId });
  }
}

/** The simulator's limits on what a customer sends (Meta's: 4096 characters of text, 20 for a button title, 24 for a list row). */
const MAX_TEXT = 4096;

/**
 * What the simulated customer sends for a "message received" test event: the
 * text, the reply button or list row tapped, or the location shared.
 */
export function simulatorMessage(
  payload: Record<string, unknown>,
): { ok: true; message: SimulatorCustomerMessage } | { ok: false; message: string } {
  const parsed = inboundMessagePayloadSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, message: describe(parsed.error) };
  const { text, replyId, replyKind, location } = parsed.data;
  if (location) return { ok: true, message: { type: 'location', latitude: location.latitude, longitude: location.longitude } };
  if (replyId) {
    const title = text?.trim() || replyId;
    return replyKind === 'list'
      ? { ok: true, message: { type: 'list_reply', id: replyId, title: title.slice(0, 24) } }
      : { ok: true, message: { type: 'button_reply', id: replyId, title: title.slice(0, 20) } };
  }
  if (text === null || text.trim() === '') {
    return { ok: false, message: 'payload.text: what the customer writes (or payload.replyId, or payload.location) is required' };
  }
  if (text.length > MAX_TEXT) return { ok: false, message: `payload.text: at most ${MAX_TEXT} characters, as on WhatsApp` };
  return { ok: true, message: { type: 'text', text } };
}

const inboundConfig = z.object({
  match: z.string(),
  keywords: z.array(z.string()).optional(),
  intent: z.string().optional(),
  replyIds: z.array(z.string()).optional(),
});
const contactConfig = z.object({ change: z.string(), tag: z.string().optional(), field: z.string().optional() });
const crmConfig = z.object({ eventType: z.string(), stage: z.string().optional() });
const statusConfig = z.object({ status: z.string(), hours: z.number().optional() });

export interface SampleEvent {
  type: EventType;
  payload: Record<string, unknown>;
}

/**
 * An event that starts a trigger as configured, to prefill the test-run
 * form: a message with one of its keywords or a phrase of its intent, an
 * order of the right kind, and so on.
 */
export function sampleEvent(
  triggerType: string,
  config: unknown,
  intents: Readonly<Record<string, readonly string[]>>,
): SampleEvent | null {
  switch (triggerType) {
    case 'trigger.inbound_message': {
      const c = inboundConfig.safeParse(config);
      const match = c.success ? c.data : { match: 'any' };
      if (match.match === 'keyword') return { type: 'message.received', payload: { text: match.keywords?.[0] ?? 'hello' } };
      if (match.match === 'intent') {
        // A phrase reads more like a customer than a single keyword.
        const phrases = match.intent ? (intents[match.intent] ?? []) : [];
        const phrase = phrases.find((p) => p.includes(' ')) ?? phrases[0];
        return { type: 'message.received', payload: { text: phrase ? `${phrase}?` : 'hello' } };
      }
      if (match.match === 'button_reply' || match.match === 'list_reply') {
        return {
          type: 'message.received',
          payload: { text: null, replyId: match.replyIds?.[0] ?? 'reply-1', replyKind: match.match === 'button_reply' ? 'button' : 'list' },
        };
      }
      return { type: 'message.received', payload: { text: 'hello' } };
    }
    case 'trigger.contact_event': {
      const c = contactConfig.safeParse(config);
      if (!c.success) return { type: 'contact.created', payload: {} };
      if (c.data.change === 'tag_added' || c.data.change === 'tag_removed') {
        return { type: c.data.change === 'tag_added' ? 'contact.tag_added' : 'contact.tag_removed', payload: { tag: c.data.tag || 'vip' } };
      }
      if (c.data.change === 'field_changed')
        return { type: 'contact.field_changed', payload: { field: c.data.field || 'city', newValue: 'Milano' } };
      return { type: 'contact.created', payload: {} };
    }
    case 'trigger.crm_event': {
      const c = crmConfig.safeParse(config);
      const type = c.success ? c.data.eventType : 'order.created';
      switch (type) {
        case 'order.created':
        case 'order.paid':
        case 'order.shipped':
          return { type, payload: { orderId: 'TEST-1001', status: type.slice('order.'.length), total: 49.9, currency: 'EUR' } };
        case 'deal.stage_changed':
          return { type, payload: { dealId: 'TEST-DEAL-1', stage: (c.success && c.data.stage) || 'proposal' } };
        case 'store.visited':
        case 'link.clicked':
          return { type, payload: { reference: type === 'store.visited' ? 'Store 1' : 'https://example.com/product' } };
        default:
          return null;
      }
    }
    case 'trigger.message_status': {
      const c = statusConfig.safeParse(config);
      const status = c.success ? c.data.status : 'delivered';
      if (status === 'not_read') return { type: 'message.not_read', payload: { hours: (c.success && c.data.hours) || 24 } };
      return { type: 'message.status', payload: { wamid: 'wamid.test.sample', status } };
    }
    case 'trigger.schedule':
      return { type: 'schedule.tick', payload: {} };
    case 'trigger.incoming_webhook':
      return { type: 'webhook.received', payload: { data: {} } };
    case 'trigger.manual':
      return { type: 'manual.run', payload: { data: {} } };
    default:
      return null;
  }
}
