import { z } from 'zod';

/**
 * An optional field whose bad value must not cost the item that carries it:
 * Meta adds and reshapes fields without notice, and one odd sub-object should
 * not hide a customer's message.
 */
export function lenient<T extends z.ZodType>(schema: T): z.ZodCatch<z.ZodOptional<T>> {
  return schema.optional().catch(undefined);
}

export const optionalString = lenient(z.string());
export const optionalBoolean = lenient(z.boolean());

/**
 * Unix seconds. Message and status webhooks write them as strings, account
 * webhooks (user_preferences) as numbers; twelve digits is far beyond any real
 * date and keeps the result a valid Date.
 */
export const unixSecondsSchema = z
  .union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative().max(999_999_999_999)])
  .transform((value) => new Date(Number(value) * 1000));

/** Ids that Meta writes as a JSON number in some webhooks (template ids) and as a string elsewhere. */
export const idSchema = z.union([z.string().min(1), z.number().int().nonnegative()]).transform((value) => String(value));

/** An error as Meta reports it in webhooks: on failed statuses, unsupported messages and `value.errors`. */
export interface WebhookError {
  code: number;
  title: string;
  details: string | null;
}

const wireErrorSchema = z.looseObject({
  code: z.number().int(),
  title: optionalString,
  message: optionalString,
  error_data: lenient(z.looseObject({ details: optionalString })),
});

/** One error entry, or null when it has no numeric code. */
export function webhookError(entry: unknown): WebhookError | null {
  const parsed = wireErrorSchema.safeParse(entry);
  if (!parsed.success) return null;
  const { code, title, message, error_data: data } = parsed.data;
  return { code, title: title ?? message ?? `error ${code}`, details: data?.details ?? null };
}

/** Reads an `errors` array, dropping entries without a numeric code rather than the whole item. */
export function webhookErrors(raw: unknown): WebhookError[] {
  if (!Array.isArray(raw)) return [];
  const errors: WebhookError[] = [];
  for (const entry of raw) {
    const error = webhookError(entry);
    if (error) errors.push(error);
  }
  return errors;
}

/** A JSON object as a plain record (Meta's value objects are kept verbatim for logs and storage). */
export function recordOf(value: unknown): Record<string, unknown> | null {
  const parsed = z.record(z.string(), z.unknown()).safeParse(value);
  return parsed.success ? parsed.data : null;
}

export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid';
}
