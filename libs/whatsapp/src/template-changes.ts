import { z } from 'zod';
import type { WebhookItem } from './webhook-item';
import { firstIssue, idSchema, lenient, optionalString, unixSecondsSchema } from './webhook-wire';

const templateFields = {
  // A JSON number in Meta's reference; ids beyond 2^53 would already have lost digits in JSON.parse.
  message_template_id: lenient(idSchema),
  message_template_name: z.string().min(1),
  message_template_language: optionalString,
};

const statusValueSchema = z.looseObject({
  ...templateFields,
  event: z.string().min(1),
  reason: optionalString,
  other_info: lenient(z.looseObject({ title: optionalString, description: optionalString })),
});

const categoryValueSchema = z.looseObject({
  ...templateFields,
  new_category: z.string().min(1),
  previous_category: optionalString,
  correct_category: optionalString,
  category_update_timestamp: lenient(unixSecondsSchema),
});

/** `message_template_status_update`: the template's new status is the event's name (APPROVED, REJECTED, PAUSED...). */
export function parseTemplateStatusChange(wabaId: string, field: string, rawValue: unknown): WebhookItem[] {
  const value = statusValueSchema.safeParse(rawValue);
  if (!value.success) return [{ kind: 'skipped', wabaId, field, reason: firstIssue(value.error) }];
  const { data } = value;
  // Meta writes "NONE" when there is no reason (approvals); locks and unlocks explain themselves in other_info.
  const reason = data.reason && data.reason !== 'NONE' ? data.reason : (data.other_info?.description ?? data.other_info?.title ?? null);
  return [
    {
      kind: 'template_status',
      wabaId,
      templateId: data.message_template_id ?? null,
      name: data.message_template_name,
      language: data.message_template_language ?? null,
      status: data.event.toUpperCase(),
      reason,
    },
  ];
}

/**
 * `template_category_update`. Meta sends it twice for an automatic change:
 * first as a notice (`correct_category` is what the template becomes at
 * `category_update_timestamp`, and `new_category` is still the current one),
 * then once done (`previous_category` → `new_category`).
 */
export function parseTemplateCategoryChange(wabaId: string, field: string, rawValue: unknown): WebhookItem[] {
  const value = categoryValueSchema.safeParse(rawValue);
  if (!value.success) return [{ kind: 'skipped', wabaId, field, reason: firstIssue(value.error) }];
  const { data } = value;
  const upcoming = data.correct_category ? data.correct_category.toUpperCase() : null;
  return [
    {
      kind: 'template_category',
      wabaId,
      templateId: data.message_template_id ?? null,
      name: data.message_template_name,
      language: data.message_template_language ?? null,
      previousCategory: upcoming === null && data.previous_category ? data.previous_category.toUpperCase() : null,
      newCategory: data.new_category.toUpperCase(),
      upcomingCategory: upcoming,
      upcomingAt: upcoming === null ? null : (data.category_update_timestamp ?? null),
    },
  ];
}
