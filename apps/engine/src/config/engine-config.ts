import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const url = (protocols: readonly string[]) =>
  z.url().refine((value) => protocols.some((p) => value.startsWith(`${p}://`)), {
    message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
  });

const secretsKey = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex characters or base64' });
    return z.NEVER;
  }
  return bytes;
});

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

/** Every setting the engine reads from the environment, with its default. */
export const engineConfigSchema = z.object({
  ENGINE_ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: integer(0, 65535).default(3001),
  PUBLIC_URL: url(['http', 'https']).optional(),
  /**
   * Which peers may set X-Forwarded-For (Express "trust proxy"): the client
   * address drives the per-IP sign-in lockout. Default: the web app on the same host.
   */
  TRUST_PROXY: z
    .string()
    .min(1)
    .default('loopback')
    .transform((value): boolean | number | string =>
      value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value,
    ),
  DATABASE_URL: url(['postgres', 'postgresql']),
  DATABASE_POOL_SIZE: integer(2, 200).default(10),
  /**
   * How long a pooled connection may sit idle before it is closed; 0 keeps it open. A new connection starts cold
   * (statements prepared again, trigger functions compiled again): with node-postgres' default of 10 s, traffic with
   * pauses kept opening cold connections, and the p99 at 22 messages/s was about twice that of a pool kept warm.
   */
  DATABASE_POOL_IDLE_MS: integer(0, 86_400_000).default(300_000),
  REDIS_URL: optionalText.pipe(url(['redis', 'rediss']).optional()),
  /** Key prefix of the BullMQ queues, so several installations can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, ":", "_" and "-" only')
    .default('parley'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SECRETS_KEY: secretsKey,
  SESSION_TTL_HOURS: integer(1, 24 * 90).default(24 * 7),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  LOGIN_MAX_FAILURES: integer(1, 100).default(5),
  LOGIN_LOCKOUT_MINUTES: integer(1, 24 * 60).default(15),
  WHATSAPP_APP_SECRET: optionalText,
  WHATSAPP_APP_SECRET_PREVIOUS: optionalText,
  WHATSAPP_VERIFY_TOKEN: optionalText,
  WHATSAPP_API_BASE_URL: url(['http', 'https']).default('https://graph.facebook.com'),
  WHATSAPP_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v24.0')
    .default('v24.0'),
  /**
   * The WhatsApp simulator (its Graph API and /sim control API). Test runs of
   * drafts send there and only there; without it test runs are refused.
   */
  SIMULATOR_URL: optionalText.pipe(url(['http', 'https']).optional()),
  WHATSAPP_SEND_TIMEOUT_MS: integer(100, 120_000).default(15_000),
  WEBHOOK_MAX_BYTES: integer(1024, 50 * 1024 * 1024).default(3 * 1024 * 1024),
  API_MAX_BODY_BYTES: integer(1024, 50 * 1024 * 1024).default(3 * 1024 * 1024),
  WORKER_CONCURRENCY: integer(1, 256).default(8),
  SWEEP_INTERVAL_MS: integer(100, 600_000).default(2000),
  /** How often CRM connections push their outbox and look for changes in the CRM (a change reaches the other side within about this). */
  CRM_SYNC_INTERVAL_MS: integer(50, 600_000).default(1000),
  /**
   * Push a CRM change as soon as it is queued (the outbox's notification wakes the push loop). `false`: the sync
   * round pushes, every CRM_SYNC_INTERVAL_MS or on "Sync now" (tests that stage a change on each side use it).
   */
  CRM_PUSH_ON_CHANGE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** A claimed CRM outbox item not finished within this is taken again (its worker died). */
  CRM_OUTBOX_LEASE_MS: integer(1000, 3_600_000).default(60_000),
  /** How often a connection reads the CRM's changes (incremental, by modified time). */
  CRM_POLL_INTERVAL_MS: integer(100, 86_400_000).default(5000),
  /** A conversation is logged to the CRM once it has been quiet this long, so one batch holds the exchange rather than each message. */
  CRM_CHAT_QUIET_MS: integer(0, 86_400_000).default(300_000),
  /** How often due waits are looked for; a wait fires within about this much of its time. */
  WAIT_POLL_INTERVAL_MS: integer(20, 60_000).default(250),
  /** Where media files customers send (and agents upload) are kept, when no S3 bucket is configured. */
  MEDIA_DIR: z.string().min(1).default('.data/media'),
  /** The largest file an agent may upload (WhatsApp's own limits per kind apply too). */
  MEDIA_MAX_UPLOAD_BYTES: integer(1024, 200 * 1024 * 1024).default(100 * 1024 * 1024),
  /** S3-compatible object storage for media (AWS S3, MinIO, R2...): set the bucket to use it instead of MEDIA_DIR. */
  MEDIA_S3_BUCKET: optionalText,
  /** The storage's endpoint, e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000; buckets are addressed by path. */
  MEDIA_S3_ENDPOINT: optionalText.pipe(url(['http', 'https']).optional()),
  MEDIA_S3_REGION: z.string().min(1).default('us-east-1'),
  MEDIA_S3_ACCESS_KEY_ID: optionalText,
  MEDIA_S3_SECRET_ACCESS_KEY: optionalText,
  /** How often schedules and "not read within N hours" checks run. */
  SCHEDULER_INTERVAL_MS: integer(1000, 3_600_000).default(15_000),
  /**
   * Bearer token for GET /metrics. Unset: /metrics answers only callers on
   * this machine (loopback), so bind scrapes through a sidecar or set a token.
   */
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** A Cloud API call slower than this counts as slow for the health check. */
  CLOUD_API_SLOW_MS: integer(50, 120_000).default(1500),
  /** This many slow or failed Cloud API calls in a row mark it degraded (and as many good ones clear it). */
  CLOUD_API_DEGRADED_AFTER: integer(1, 100).default(3),
});

export type EngineConfig = z.infer<typeof engineConfigSchema>;

/** Thrown when the environment is wrong; its message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadEngineConfig(env: Record<string, string | undefined>): EngineConfig {
  const parsed = engineConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.map(String).join('.') || 'environment';
        const given = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
        const shown =
          given === undefined
            ? 'not set'
            : name.includes('SECRET') || name.includes('KEY') || name.includes('TOKEN')
              ? 'set'
              : `"${given}"`;
        return `${name}: ${issue.message} (${shown})`;
      }),
    );
  }
  const config = parsed.data;
  if (config.MEDIA_S3_BUCKET && (!config.MEDIA_S3_ENDPOINT || !config.MEDIA_S3_ACCESS_KEY_ID || !config.MEDIA_S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError([
      'MEDIA_S3_BUCKET: S3 media storage also needs MEDIA_S3_ENDPOINT, MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY',
    ]);
  }
  if (config.ENGINE_ROLE !== 'all' && !config.REDIS_URL) {
    throw new ConfigError([
      `ENGINE_ROLE: "${config.ENGINE_ROLE}" needs REDIS_URL, because without Redis work is dispatched in-process and only ENGINE_ROLE=all processes it`,
    ]);
  }
  return config;
}
