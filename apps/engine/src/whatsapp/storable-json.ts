/** A UTF-16 surrogate without its pair: not a character, and PostgreSQL's jsonb refuses its escape. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storableString(value: string): string {
  // PostgreSQL text and jsonb cannot hold NUL; a lone surrogate becomes U+FFFD, as a UTF-8 encoder would write it.
  return value.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * A parsed webhook body whose strings (keys included) PostgreSQL can store:
 * a customer's stray NUL or broken emoji must not cost their message. Call it
 * on a value within the webhook limits (its depth is bounded).
 */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableString(value);
  if (Array.isArray(value)) return value.map((item: unknown) => storableJson(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableString(key), storableJson(item)]));
  }
  return value;
}
