import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

/** Contact properties a webhook body can carry, named as templates name them (contact.first_name...). */
export const webhookContactFields = [
  'id',
  'phone',
  'wa_id',
  'first_name',
  'last_name',
  'display_name',
  'email',
  'locale',
  'time_zone',
  'list',
  'tags',
  'marketing_consent',
  'transactional_consent',
  'fields',
] as const;

const variableName = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a variable name such as order_id');

export const sendToWebhookConfigSchema = z.object({
  url: z
    .string()
    .trim()
    .min(8)
    .max(2000)
    .meta({ title: 'Webhook URL', description: 'The Zapier / Make / Pabbly catch-hook URL, or any https endpoint.' }),
  contactFields: z
    .array(z.enum(webhookContactFields))
    .max(webhookContactFields.length)
    .default(['id', 'phone', 'first_name', 'last_name', 'email', 'tags'])
    .meta({ title: 'Contact fields to send' }),
  includeEvent: z.boolean().default(true).meta({ title: 'Send the event that started the flow' }),
  variables: z.array(variableName).max(50).default([]).meta({ title: 'Flow variables to send' }),
  extra: z
    .array(
      z.object({
        key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a JSON key such as source'),
        value: z.string().max(2000),
      }),
    )
    .max(30)
    .default([])
    .meta({ title: 'Extra values (variables allowed)' }),
  timeoutSeconds: z.number().int().min(1).max(30).default(10).meta({ title: 'Give up after (seconds)' }),
});
export type SendToWebhookConfig = z.infer<typeof sendToWebhookConfigSchema>;

export const sendToWebhookDefinition = defineNode<SendToWebhookConfig>({
  type: 'crm.send_to_webhook',
  version: 1,
  kind: 'action',
  category: 'CRM',
  displayName: 'Send to webhook',
  description:
    'POSTs the contact, the event and chosen variables as JSON to Zapier, Make, Pabbly or any URL, signed with the workspace’s secret (HMAC-SHA256) and with an idempotency key that stays the same on retries.',
  synonyms: ['webhook', 'zapier', 'make', 'integromat', 'pabbly', 'n8n', 'post', 'outgoing', 'invia', 'wyślij'],
  configSchema: sendToWebhookConfigSchema,
  defaultConfig: {
    url: 'https://hooks.zapier.com/hooks/catch/123/abc/',
    contactFields: ['id', 'phone', 'first_name', 'last_name', 'email', 'tags'],
    includeEvent: true,
    variables: [],
    extra: [],
    timeoutSeconds: 10,
  },
  outputs: [{ name: 'next', label: 'Delivered (2xx)' }],
  outputSchema: z.object({ status: z.number(), idempotencyKey: z.string(), body: z.unknown() }),
  sampleData: { status: 200, idempotencyKey: '6f1c2e4a-0000-4000-8000-000000000001:n1:0', body: { status: 'success' } },
  sideEffect: true,
  // Receivers dedupe on the idempotency key, so retrying a lost answer is safe.
  defaultRetry: { retries: 3, delaySeconds: 60, backoff: 'exponential' },
});
