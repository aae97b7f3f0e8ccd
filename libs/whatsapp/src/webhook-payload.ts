import { z } from 'zod';
import { parseAccountUpdateChange } from './account-update-change';
import { parseMessagesChange } from './messages-change';
import { parseNumberQualityChange } from './number-quality-change';
import { parseTemplateCategoryChange, parseTemplateStatusChange } from './template-changes';
import { parseUserPreferencesChange } from './user-preferences-change';
import type { WebhookItem } from './webhook-item';

export { inboundMessageSchema } from './inbound-message';
export type { InboundMessage, InboundMediaKind } from './inbound-message';
export type { MessageChange } from './message-change';
export { statusSchema } from './message-status';
export type { MessageStatusUpdate } from './message-status';
export { messagesValueSchema } from './messages-change';
export type { WebhookItem, WebhookSender } from './webhook-item';
export type { WebhookError } from './webhook-wire';

/**
 * Webhook envelope. Only the shape needed to route items is required; unknown
 * fields are kept, because Meta adds fields without notice.
 */
export const webhookEnvelopeSchema = z.object({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

type ChangeParser = (wabaId: string, field: string, value: unknown) => WebhookItem[];

const PARSERS: Readonly<Record<string, ChangeParser>> = {
  messages: parseMessagesChange,
  user_preferences: parseUserPreferencesChange,
  message_template_status_update: parseTemplateStatusChange,
  template_category_update: parseTemplateCategoryChange,
  phone_number_quality_update: parseNumberQualityChange,
  account_update: parseAccountUpdateChange,
  business_capability_update: parseAccountUpdateChange,
};

/**
 * Flattens a verified webhook into items, visiting every entry, change,
 * message and status (never only the first), in the order Meta sent them.
 * Items that do not parse, and fields not handled, are returned as `skipped`
 * with the reason, so one bad item never hides the rest. Never throws for an
 * envelope that passed `webhookEnvelopeSchema`.
 */
export function parseWebhookItems(envelope: WebhookEnvelope): WebhookItem[] {
  const items: WebhookItem[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      const parser = Object.hasOwn(PARSERS, change.field) ? PARSERS[change.field] : undefined;
      if (!parser) {
        items.push({ kind: 'skipped', wabaId: entry.id, field: change.field, reason: 'field not handled yet' });
        continue;
      }
      for (const item of parser(entry.id, change.field, change.value)) items.push(item);
    }
  }
  return items;
}
