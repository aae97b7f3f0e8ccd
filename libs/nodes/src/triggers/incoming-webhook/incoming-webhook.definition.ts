import { defineNode, flowScopedPayloadSchema } from '@parley/flow-core';
import { z } from 'zod';

const path = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'use a dotted path such as customer.phone')
  .max(200);

export const incomingWebhookConfigSchema = z.object({
  phonePath: path.default('phone').meta({ title: 'Where the customer phone number is in the JSON', description: 'e.g. customer.phone' }),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'a two-letter country code, e.g. IT')
    .default('IT')
    .meta({ title: 'Country for numbers written without a +prefix' }),
  namePath: path.nullable().default(null).meta({ title: 'Where the customer name is (optional)' }),
});
export type IncomingWebhookConfig = z.infer<typeof incomingWebhookConfigSchema>;

export const incomingWebhookDefinition = defineNode<IncomingWebhookConfig>({
  type: 'trigger.incoming_webhook',
  version: 1,
  kind: 'trigger',
  category: 'Triggers',
  displayName: 'Incoming webhook',
  description: 'Starts when another tool (Zapier, Make, Pabbly, your shop) POSTs JSON to this flow’s secret URL.',
  synonyms: ['zapier', 'make', 'pabbly', 'integromat', 'http', 'api', 'hook'],
  configSchema: incomingWebhookConfigSchema,
  defaultConfig: { phonePath: 'phone', defaultCountry: 'IT', namePath: null },
  outputs: [{ name: 'next', label: 'Then' }],
  outputSchema: flowScopedPayloadSchema,
  sampleData: { flowId: '00000000-0000-4000-8000-000000000000', data: { phone: '+39 333 123 4567', product: 'Blue sofa' } },
});
