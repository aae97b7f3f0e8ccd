import type { SimulatorOptions } from '@parley/whatsapp-simulator';
import { z } from 'zod';
import { SEED_TEMPLATES } from './seed-templates';

const TRUE_WORDS = ['on', 'true', '1', 'yes'];
const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'], { error: 'must be on or off' })
  .transform((value) => TRUE_WORDS.includes(value));
const milliseconds = z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(0).max(86_400_000);
const probability = z.coerce
  .number({ error: 'must be a probability from 0 to 1' })
  .min(0, 'must be from 0 to 1')
  .max(1, 'must be from 0 to 1');
const count = (max: number) => z.coerce.number({ error: 'must be a whole number' }).int().min(0).max(max);

/** Every variable the simulator reads, with its default (docs/SIMULATOR.md lists them). */
export const simulatorEnvSchema = z
  .object({
    SIM_HOST: z.string().min(1).default('127.0.0.1'),
    SIM_PORT: count(65535).default(3002),
    SIM_WEBHOOK_URL: z.url({ error: 'must be a URL (the engine webhook, e.g. http://127.0.0.1:3001/webhooks/whatsapp)' }).optional(),
    SIM_APP_SECRET: z.string().min(1).optional(),
    SIM_PHONE_NUMBER_ID: z.string().regex(/^\d+$/, 'must be digits only').default('100000000001'),
    SIM_ACCESS_TOKEN: z.string().min(8, 'must be at least 8 characters').default('simulator-access-token'),
    SIM_DISPLAY_PHONE_NUMBER: z
      .string()
      .regex(/^\d{6,15}$/, 'must be 6 to 15 digits, country code first, no "+"')
      .default('15550001111'),
    SIM_WABA_ID: z.string().regex(/^\d+$/, 'must be digits only').default('200000000001'),
    SIM_STATUSES: onOff.default(true),
    SIM_SENT_AFTER_MS: milliseconds.default(300),
    SIM_DELIVERED_AFTER_MS: milliseconds.default(1500),
    SIM_READ_AFTER_MS: milliseconds.optional(),
    SIM_DUPLICATE_STATUSES: probability.default(0),
    SIM_REORDER_STATUSES: probability.default(0),
    SIM_WINDOW_ERRORS: z.enum(['sync', 'async'], { error: 'must be sync or async' }).default('sync'),
    SIM_MARKETING_ERRORS: z.enum(['sync', 'async'], { error: 'must be sync or async' }).default('async'),
    SIM_THROUGHPUT_MPS: count(100_000).default(80),
    SIM_PAIR_BURST: count(10_000).default(45),
    SIM_PAIR_INTERVAL_MS: milliseconds.min(1).default(6000),
    SIM_MARKETING_CAP: count(1000).default(0),
    SIM_MARKETING_CAP_HOURS: z.coerce
      .number({ error: 'must be a number of hours' })
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    SIM_US_MARKETING: z.enum(['block', 'allow'], { error: 'must be block or allow' }).default('block'),
    SIM_SEED_TEMPLATES: onOff.default(true),
    SIM_WEBHOOK_ATTEMPTS: z.coerce.number({ error: 'must be a whole number' }).int().min(1).max(20).default(6),
    SIM_WEBHOOK_RETRY_MS: milliseconds.min(1).default(1000),
  })
  .superRefine((env, context) => {
    // A webhook Meta could not sign would be rejected by the engine: refuse it here rather than drop webhooks silently.
    if (env.SIM_WEBHOOK_URL !== undefined && env.SIM_APP_SECRET === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['SIM_APP_SECRET'],
        message: 'is required when SIM_WEBHOOK_URL is set (webhooks are signed with it)',
      });
    }
  });

export type SimulatorEnv = z.output<typeof simulatorEnvSchema>;

export interface SimulatorConfig {
  host: string;
  port: number;
  options: SimulatorOptions;
  /** What the start-up message says about the configuration, one line each. */
  summary: string[];
}

export type SimulatorConfigResult = { ok: true; config: SimulatorConfig } | { ok: false; problems: string[] };

/** An empty variable means "use the default", as it does for the rest of Parley's configuration. */
function withoutBlanks(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (key.startsWith('SIM_') && value !== undefined && value.trim() !== '') out[key] = value.trim();
  return out;
}

function summaryOf(env: SimulatorEnv, options: SimulatorOptions): string[] {
  const shuffled = [
    env.SIM_DUPLICATE_STATUSES > 0 ? `${Math.round(env.SIM_DUPLICATE_STATUSES * 100)}% posted twice` : null,
    env.SIM_REORDER_STATUSES > 0 ? `${Math.round(env.SIM_REORDER_STATUSES * 100)}% out of order` : null,
  ].filter((part) => part !== null);
  const statuses = options.statuses
    ? `sent after ${env.SIM_SENT_AFTER_MS} ms, delivered ${env.SIM_DELIVERED_AFTER_MS} ms later, ${env.SIM_READ_AFTER_MS === undefined ? 'read when the phone page shows the chat' : `read ${env.SIM_READ_AFTER_MS} ms later`}${shuffled.length > 0 ? `; ${shuffled.join(', ')}` : ''}`
    : 'off (SIM_STATUSES=off)';
  const limits = [
    options.throughput ? `${options.throughput.messagesPerSecond} msg/s per number` : 'no throughput limit',
    options.pairRate ? `${options.pairRate.burst} to one customer, then 1 per ${options.pairRate.intervalMs} ms` : 'no pair rate limit',
    options.marketingCap
      ? `${options.marketingCap.perUser} marketing templates per customer per ${env.SIM_MARKETING_CAP_HOURS} h`
      : 'no marketing cap',
  ];
  return [
    `Business number: +${env.SIM_DISPLAY_PHONE_NUMBER} (phone number id ${env.SIM_PHONE_NUMBER_ID}, WABA ${env.SIM_WABA_ID})`,
    options.webhook
      ? `Webhooks to:     ${options.webhook.url} (signed with SIM_APP_SECRET)`
      : 'Webhooks:        none (SIM_WEBHOOK_URL unset): customer messages are only recorded',
    `Statuses:        ${statuses}`,
    `Errors:          131047 ${env.SIM_WINDOW_ERRORS}, marketing refusals ${env.SIM_MARKETING_ERRORS}`,
    `Limits:          ${limits.join('; ')}`,
    `Templates:       ${options.templates && options.templates.length > 0 ? options.templates.map((t) => t.name).join(', ') : 'none (every template send is accepted)'}`,
  ];
}

/** Reads the simulator's configuration from environment variables; problems name the variable. */
export function loadSimulatorConfig(env: NodeJS.ProcessEnv): SimulatorConfigResult {
  const parsed = simulatorEnvSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'environment'}: ${issue.message}`),
    };
  }
  const e = parsed.data;
  const options: SimulatorOptions = {
    numbers: [
      {
        phoneNumberId: e.SIM_PHONE_NUMBER_ID,
        accessToken: e.SIM_ACCESS_TOKEN,
        displayPhoneNumber: e.SIM_DISPLAY_PHONE_NUMBER,
        wabaId: e.SIM_WABA_ID,
      },
    ],
    ...(e.SIM_WEBHOOK_URL && e.SIM_APP_SECRET ? { webhook: { url: e.SIM_WEBHOOK_URL, appSecret: e.SIM_APP_SECRET } } : {}),
    webhookRetry: { maxAttempts: e.SIM_WEBHOOK_ATTEMPTS, firstDelayMs: e.SIM_WEBHOOK_RETRY_MS },
    windowErrors: e.SIM_WINDOW_ERRORS,
    marketingErrors: e.SIM_MARKETING_ERRORS,
    ...(e.SIM_STATUSES
      ? {
          statuses: {
            sentAfterMs: e.SIM_SENT_AFTER_MS,
            deliveredAfterMs: e.SIM_DELIVERED_AFTER_MS,
            ...(e.SIM_READ_AFTER_MS !== undefined ? { readAfterMs: e.SIM_READ_AFTER_MS } : {}),
            ...(e.SIM_DUPLICATE_STATUSES > 0 ? { duplicateProbability: e.SIM_DUPLICATE_STATUSES } : {}),
            ...(e.SIM_REORDER_STATUSES > 0 ? { reorderProbability: e.SIM_REORDER_STATUSES } : {}),
          },
        }
      : {}),
    ...(e.SIM_THROUGHPUT_MPS > 0 ? { throughput: { messagesPerSecond: e.SIM_THROUGHPUT_MPS } } : {}),
    ...(e.SIM_PAIR_BURST > 0 ? { pairRate: { burst: e.SIM_PAIR_BURST, intervalMs: e.SIM_PAIR_INTERVAL_MS } } : {}),
    ...(e.SIM_MARKETING_CAP > 0 ? { marketingCap: { perUser: e.SIM_MARKETING_CAP, windowHours: e.SIM_MARKETING_CAP_HOURS } } : {}),
    blockUsMarketing: e.SIM_US_MARKETING === 'block',
    templates: e.SIM_SEED_TEMPLATES ? [...SEED_TEMPLATES] : [],
  };
  return { ok: true, config: { host: e.SIM_HOST, port: e.SIM_PORT, options, summary: summaryOf(e, options) } };
}
