import { defineNode, EVENT_TYPES } from '@parley/flow-core';
import { z } from 'zod';
import { durationMs, durationUnitSchema, MAX_WAIT_MS } from '../duration';

export const waitForEventConfigSchema = z
  .object({
    eventType: z.enum(EVENT_TYPES).meta({ title: 'Wait for' }),
    /** Narrows the event: words in a reply, an intent, a button or row id. */
    filter: z
      .object({
        intent: z.string().max(50).optional(),
        text_contains: z.string().max(200).optional(),
        reply_id: z.string().max(256).optional(),
      })
      .default({})
      .meta({ title: 'Only if' }),
    timeout: z
      .object({ amount: z.number().positive().max(100_000), unit: durationUnitSchema })
      .nullable()
      .default({ amount: 72, unit: 'hours' })
      .meta({ title: 'Give up after' }),
  })
  .refine((c) => c.timeout === null || durationMs(c.timeout.amount, c.timeout.unit) <= MAX_WAIT_MS, {
    message: 'a wait can last at most a year',
    path: ['timeout'],
  });
export type WaitForEventConfig = z.infer<typeof waitForEventConfigSchema>;

export const waitForEventDefinition = defineNode<WaitForEventConfig>({
  type: 'timing.wait_for_event',
  version: 1,
  kind: 'timing',
  category: 'Timing',
  displayName: 'Wait for an event',
  description: 'Waits until the contact does something (replies, orders, visits) or the time runs out: two ways on.',
  synonyms: ['wait for reply', 'order within', 'timeout', 'until', 'attendi risposta', 'entro', 'czekaj na odpowiedź', 'w ciągu'],
  configSchema: waitForEventConfigSchema,
  defaultConfig: { eventType: 'order.created', filter: {}, timeout: { amount: 72, unit: 'hours' } },
  outputs: [
    { name: 'received', label: 'It happened' },
    { name: 'timeout', label: 'Time ran out' },
  ],
  outputSchema: z.object({
    eventType: z.string(),
    event: z.record(z.string(), z.unknown()).nullable(),
    timedOut: z.boolean(),
  }),
  sampleData: { eventType: 'order.created', event: { orderId: 'A-1042', status: 'created' }, timedOut: false },
  suspends: true,
});
