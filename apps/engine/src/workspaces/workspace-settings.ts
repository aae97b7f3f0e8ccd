import { z } from 'zod';
import { allLanguages, DEFAULT_INTENT_KEYWORDS, DEFAULT_SENTIMENT_WORDS, type KeywordsByLanguage } from './default-intents';
import { messagingPolicySchema } from '../whatsapp/policy/messaging-policy';
import { DEFAULT_REPORT_SETTINGS, reportSettingsSchema } from '../reports/report-settings';

const keywordList = z.array(z.string().trim().min(1).max(100)).max(500);

/** An intent's keywords by language: each language named replaces that language's default list; the others keep theirs. */
const keywordsByLanguage = z.strictObject({
  en: keywordList.optional(),
  it: keywordList.optional(),
  pl: keywordList.optional(),
  es: keywordList.optional(),
  de: keywordList.optional(),
  fr: keywordList.optional(),
  zh: keywordList.optional(),
  other: keywordList.optional().meta({ description: 'Keywords in any other language' }),
});

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
  /**
   * Intent name -> keywords by language (each language given replaces that
   * language's defaults), or one list in any language (replaces the whole
   * default intent: the form settings had before keywords were per language).
   */
  intents: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,49}$/), z.union([keywordList, keywordsByLanguage])).default({}),
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
  /** The support console. */
  inbox: z
    .object({
      /** A customer's new (or reopened) conversation goes to the bot first (pending) while automation runs for them; else straight to people (open). */
      botAnswersFirst: z.boolean().default(true),
      /** Messages older than this are pruned, except each conversation's last 50. At least 180 days. */
      historyRetentionDays: z.number().int().min(180).max(3650).default(180),
    })
    .default({ botAnswersFirst: true, historyRetentionDays: 180 }),
  /** The rules every send passes (WhatsApp policy, consent, frequency, quiet hours, pacing). */
  messaging: messagingPolicySchema.default(messagingPolicySchema.parse({})),
  /** Reports: business hours, the reply-time threshold, the conversion window. */
  reports: reportSettingsSchema.default(DEFAULT_REPORT_SETTINGS),
});
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Removes the value at `path` from `root` (a JSON clone), so its default applies. */
function removeAt(root: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    node = isPlainObject(node) || Array.isArray(node) ? Reflect.get(node, key) : undefined;
  }
  const last = path[path.length - 1];
  if (last === undefined || !(isPlainObject(node) || Array.isArray(node))) return false;
  return Reflect.deleteProperty(node, last);
}

/**
 * Reads stored settings. Anything missing gets its default; a stored value
 * that is no longer valid (a rule tightened since) falls back to its default
 * alone, never taking the workspace's other settings with it.
 */
export function readWorkspaceSettings(stored: unknown): WorkspaceSettings {
  const candidate: unknown = isPlainObject(stored) ? structuredClone(stored) : {};
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const parsed = workspaceSettingsSchema.safeParse(candidate);
    if (parsed.success) return parsed.data;
    if (!parsed.error.issues.some((issue) => removeAt(candidate, issue.path))) break;
  }
  return workspaceSettingsSchema.parse({});
}

/** One setting that changed, by its dotted path, with its value before and after. */
export interface SettingChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** Exactly what differs between two settings documents: objects compared key by key, lists and values whole. */
export function diffSettings(before: unknown, after: unknown, path = ''): SettingChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffSettings(before[key], after[key], path === '' ? key : `${path}.${key}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ field: path, before: before ?? null, after: after ?? null }];
}

/** A partial change merged into the settings: objects and maps merge key by key at every depth, lists and values replace. */
export function mergeSettings(current: unknown, change: unknown): unknown {
  if (!isPlainObject(current) || !isPlainObject(change)) return change === undefined ? current : change;
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(change)) merged[key] = mergeSettings(current[key], value);
  return merged;
}

/** The workspace's intents by language: the defaults, each language replaced by the workspace's own list where it has one. */
export function effectiveIntentKeywords(settings: WorkspaceSettings): Record<string, KeywordsByLanguage> {
  const result: Record<string, KeywordsByLanguage> = { ...DEFAULT_INTENT_KEYWORDS };
  for (const [name, own] of Object.entries(settings.intents)) {
    result[name] = Array.isArray(own) ? { other: own } : { ...(DEFAULT_INTENT_KEYWORDS[name] ?? {}), ...own };
  }
  return result;
}

/** The workspace's intents with every language's keywords together, as matching reads them. */
export function effectiveIntents(settings: WorkspaceSettings): Record<string, string[]> {
  return Object.fromEntries(Object.entries(effectiveIntentKeywords(settings)).map(([name, keywords]) => [name, allLanguages(keywords)]));
}
