import { z } from 'zod';
import { callEngine } from '../editor/engine-client';

const store = z.object({
  name: z.string(),
  address: z.string(),
  city: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  hours: z.string(),
});
export type Store = z.infer<typeof store>;

export const INTENT_LANGUAGES = ['en', 'it', 'pl', 'es', 'de', 'fr', 'zh', 'other'] as const;
export type IntentLanguage = (typeof INTENT_LANGUAGES)[number];
const intentLanguage = z.enum(INTENT_LANGUAGES);
const keywordsByLanguage = z.partialRecord(intentLanguage, z.array(z.string()));
export type KeywordsByLanguage = z.infer<typeof keywordsByLanguage>;

/** Names of the keyword languages, as the form shows them. */
export const LANGUAGE_NAMES: Record<IntentLanguage, string> = {
  en: 'English',
  it: 'Italian',
  pl: 'Polish',
  es: 'Spanish',
  de: 'German',
  fr: 'French',
  zh: 'Chinese',
  other: 'Other languages',
};

/** What the settings form edits (GET /api/workspace/settings without its read-only fields). */
export const editableSettingsSchema = z.object({
  timeZone: z.string(),
  takeoverHours: z.number(),
  /** Per intent: keywords by language, or (settings saved before keywords were per language) one list replacing the whole intent. */
  intents: z.record(z.string(), z.union([z.array(z.string()), keywordsByLanguage])),
  sentimentWords: z.object({ positive: z.array(z.string()), negative: z.array(z.string()) }),
  httpAllowList: z.array(z.string()),
  stores: z.array(store),
  executionRetentionDays: z.number(),
  inbox: z.object({ botAnswersFirst: z.boolean(), historyRetentionDays: z.number() }),
  messaging: z.object({
    marketingTemplatesNeedOptIn: z.boolean(),
    templatesPerDayWithoutOptIn: z.number(),
    sameContentPer30Days: z.number(),
    marketingMinDaysApart: z.number(),
    notificationMinHoursApart: z.number(),
    blockMarketingToUs: z.boolean(),
    quietHours: z.object({ enabled: z.boolean(), start: z.string(), end: z.string() }),
    conversationActiveMinutes: z.number(),
    recipientSpacingSeconds: z.number(),
    dailyRecipientLimit: z.number().nullable(),
    batchAbovePercent: z.number(),
  }),
});
export type EditableSettings = z.infer<typeof editableSettingsSchema>;

export const settingsResponseSchema = editableSettingsSchema.extend({
  effectiveIntents: z.record(z.string(), z.array(z.string())),
  defaultIntents: z.array(z.string()),
  defaultIntentKeywords: z.record(z.string(), z.array(z.string())),
  intentLanguages: z.array(intentLanguage).default([...INTENT_LANGUAGES]),
  defaultIntentKeywordsByLanguage: z.record(z.string(), keywordsByLanguage).default({}),
  effectiveIntentKeywordsByLanguage: z.record(z.string(), keywordsByLanguage).default({}),
});
export type SettingsResponse = z.infer<typeof settingsResponseSchema>;

/** Only the read-write fields, as the form starts from them. */
export function editablePart(response: SettingsResponse): EditableSettings {
  const {
    effectiveIntents: _effective,
    defaultIntents: _defaults,
    defaultIntentKeywords: _keywords,
    intentLanguages: _languages,
    defaultIntentKeywordsByLanguage: _defaultsByLanguage,
    effectiveIntentKeywordsByLanguage: _effectiveByLanguage,
    ...editable
  } = response;
  return editable;
}

export function patchSettings(patch: unknown) {
  return callEngine('/api/workspace/settings', settingsResponseSchema, { method: 'PATCH', body: JSON.stringify(patch) });
}

/** Text of a keyword list, one a line. */
export function listText(list: readonly string[]): string {
  return list.join('\n');
}

/** A keyword list from its text: one a line, blank lines dropped. */
export function parseListText(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}
