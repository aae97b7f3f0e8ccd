import type { PairRateLimit, ThroughputLimit } from './rate-limiter';
import type { SimulatedNumber } from './simulator-state';
import type { StatusLifecycleOptions } from './status-lifecycle';
import type { TemplateDefinition } from './template-registry';
import type { WebhookTarget } from './webhook-emitter';
import type { WebhookBatching, WebhookRetry } from './webhook-outbox';

/** A template to register at start; without `wabaId` it goes to the account of every number given at start. */
export type SeedTemplate = TemplateDefinition & { wabaId?: string };

/**
 * How the simulator behaves. Everything beyond `numbers` is optional, and the
 * defaults are what tests of the engine expect: no status webhooks of its
 * own, no rate limits, 131047 answered synchronously, any template accepted
 * while an account has none registered.
 */
export interface SimulatorOptions {
  numbers: SimulatedNumber[];
  /** Where webhooks go; without it inbound messages are only recorded. */
  webhook?: WebhookTarget;
  now?: () => Date;
  webhookRetry?: WebhookRetry;
  /** Gather several changes into one POST (off by default: one POST per change). */
  webhookBatch?: WebhookBatching;
  /** 131047 outside the 24 h window: `sync` (HTTP 400, the default) or `async` (200 + wamid, then a `failed` status). */
  windowErrors?: 'sync' | 'async';
  /** 131050 and 131049 for marketing templates: `async` (200, then `failed`; the default, as Meta reports them) or `sync` (400). */
  marketingErrors?: 'sync' | 'async';
  /** sent → delivered → read webhooks for every accepted message; off when absent. */
  statuses?: StatusLifecycleOptions;
  /** 130429 above this many messages per second per number (inbound counts too); off when absent. */
  throughput?: ThroughputLimit;
  /** 131056 above this rate to one user; off when absent. */
  pairRate?: PairRateLimit;
  /** 131049 once a user got this many marketing templates in the window; off when absent. */
  marketingCap?: { perUser: number; windowHours?: number };
  /** 131049 for marketing templates to US (+1) numbers, as Meta does since April 2025 (default true). */
  blockUsMarketing?: boolean;
  /** Templates registered at start. */
  templates?: SeedTemplate[];
}
