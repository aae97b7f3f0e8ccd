import { z } from 'zod';
import type { WebhookItem } from './webhook-item';
import { firstIssue, lenient, optionalString, unixSecondsSchema } from './webhook-wire';

const preferencesValueSchema = z.looseObject({
  metadata: lenient(z.looseObject({ phone_number_id: optionalString })),
  contacts: lenient(
    z.array(
      z.looseObject({
        profile: lenient(z.looseObject({ name: optionalString })),
        wa_id: optionalString,
        user_id: optionalString,
      }),
    ),
  ),
  user_preferences: z.array(z.unknown()),
});

const preferenceSchema = z.looseObject({
  wa_id: optionalString,
  user_id: optionalString,
  detail: optionalString,
  category: z.string().min(1),
  value: z.string().min(1),
  timestamp: unixSecondsSchema,
});

/**
 * A `user_preferences` change: one item per preference. Meta documents
 * `stop` and `resume` of `marketing_messages`; any other value is skipped
 * with its name so a new kind of preference shows up in the logs.
 */
export function parseUserPreferencesChange(wabaId: string, field: string, rawValue: unknown): WebhookItem[] {
  const value = preferencesValueSchema.safeParse(rawValue);
  if (!value.success) return [{ kind: 'skipped', wabaId, field, reason: firstIssue(value.error) }];
  const phoneNumberId = value.data.metadata?.phone_number_id ?? null;
  const contacts = value.data.contacts ?? [];
  const items: WebhookItem[] = [];
  for (const rawPreference of value.data.user_preferences) {
    const parsed = preferenceSchema.safeParse(rawPreference);
    if (!parsed.success) {
      items.push({ kind: 'skipped', wabaId, field, reason: `preference ${firstIssue(parsed.error)}` });
      continue;
    }
    const preference = parsed.data;
    const choice = preference.value === 'stop' || preference.value === 'resume' ? preference.value : null;
    if (choice === null) {
      items.push({ kind: 'skipped', wabaId, field, reason: `preference value ${preference.value} not handled` });
      continue;
    }
    const contact =
      contacts.find(
        (c) =>
          (preference.wa_id !== undefined && c.wa_id === preference.wa_id) ||
          (preference.user_id !== undefined && c.user_id === preference.user_id),
      ) ?? (contacts.length === 1 ? contacts[0] : undefined);
    const sender = {
      waId: preference.wa_id ?? contact?.wa_id ?? null,
      userId: preference.user_id ?? contact?.user_id ?? null,
      profileName: contact?.profile?.name ?? null,
    };
    if (sender.waId === null && sender.userId === null) {
      items.push({ kind: 'skipped', wabaId, field, reason: 'preference without a wa_id or user_id' });
      continue;
    }
    items.push({
      kind: 'user_preference',
      wabaId,
      phoneNumberId,
      sender,
      category: preference.category,
      value: choice,
      timestamp: preference.timestamp,
      detail: preference.detail ?? null,
    });
  }
  return items;
}
