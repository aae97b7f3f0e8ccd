import { z } from 'zod';
import { DEFAULT_INTENTS, DEFAULT_SENTIMENT_WORDS } from './default-intents';
import { messagingPolicySchema } from '../whatsapp/policy/messaging-policy';

const keywordList = z.array(z.string().trim().min(1).max(100)).max(500);

/** Per-workspace settings, stored as JSON on the workspace; every field has a default. */
export const workspaceSettingsSchema = z.object({
  /** Used for contacts whose own time zone is unknown. */
  timeZone: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'not a known time zone')
    .default('UTC'),
  /** How long an agent's message pauses automation for the contact. */
  takeoverHours: z
    .number()
    .min(0)
    .max(24 * 30)
    .default(12),
  /** Intent name -> keywords (any language). Replaces a default intent of the same name. */
  intents: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,49}$/), keywordList).default({}),
  sentimentWords: z.object({ positive: keywordList, negative: keywordList }).default(DEFAULT_SENTIMENT_WORDS),
  /** Hosts or CIDR ranges the HTTP request node may reach even though they are private. */
  httpAllowList: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
  /** The business's stores, for "nearest store" replies. */
  stores: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(200),
        address: z.string().trim().min(1).max(500),
        city: z.string().trim().max(100).default(''),
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        hours: z.string().max(200).default(''),
      }),
    )
    .max(500)
    .default([]),
  /** Executions (and their steps) older than this are pruned, unless still running or waiting. */
  executionRetentionDays: z.number().int().min(1).max(3650).default(180),
  /** The rules every send passes (WhatsApp policy, consent, frequency, quiet hours, pacing). */
  messaging: messagingPolicySchema.default(messagingPolicySchema.parse({})),
});
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

/** Reads stored settings, falling back to defaults for anything missing or no longer valid. */
export function readWorkspaceSettings(stored: unknown): WorkspaceSettings {
  const parsed = workspaceSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : workspaceSettingsSchema.parse({});
}

/** The workspace's intents: defaults, overridden and extended by its own lists. */
export function effectiveIntents(settings: WorkspaceSettings): Record<string, string[]> {
  return { ...DEFAULT_INTENTS, ...settings.intents };
}
