import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

export const httpRequestConfigSchema = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET').meta({ title: 'Method' }),
  url: z.string().trim().min(8).max(2000).meta({ title: 'URL', description: 'https://… ; variables allowed.', widget: 'message-text' }),
  headers: z
    .array(z.object({ name: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'a header name'), value: z.string().max(2000) }))
    .max(20)
    .default([])
    .meta({ title: 'Headers' }),
  body: z.string().max(100_000).default('').meta({ title: 'Body (JSON or text; variables allowed)', widget: 'code' }),
  timeoutSeconds: z.number().int().min(1).max(30).default(10).meta({ title: 'Give up after (seconds)' }),
});
export type HttpRequestConfig = z.infer<typeof httpRequestConfigSchema>;

export const httpRequestDefinition = defineNode<HttpRequestConfig>({
  type: 'http.request',
  version: 1,
  kind: 'action',
  category: 'Data',
  displayName: 'HTTP request',
  description:
    'Calls another system’s API (a carrier, a shop, a CRM). Private and local addresses are refused unless an admin allows them.',
  synonyms: ['http', 'api', 'webhook', 'call', 'fetch', 'rest', 'carrier', 'chiamata', 'zapytanie'],
  configSchema: httpRequestConfigSchema,
  defaultConfig: { method: 'GET', url: 'https://example.com/api', headers: [], body: '', timeoutSeconds: 10 },
  outputs: [{ name: 'next', label: 'Answered 2xx' }],
  outputSchema: z.object({ status: z.number(), body: z.unknown(), headers: z.record(z.string(), z.string()) }),
  sampleData: { status: 200, body: { status: 'in transit', eta: '2026-11-24' }, headers: { 'content-type': 'application/json' } },
  sideEffect: true,
});
