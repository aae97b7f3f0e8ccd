/**
 * Bounds on the shape of a webhook body, far beyond anything Meta sends (its
 * deepest payloads, an edited media message, nest 11 levels; a text body
 * is at most 4,096 characters; a batch holds at most a few hundred items). A
 * body past them is not a real delivery: it is kept as received and marked,
 * never processed, so it cannot exhaust the stack or the database.
 */
export const WEBHOOK_LIMITS = {
  /** Objects and arrays inside one another, the envelope counting as 1. */
  maxDepth: 64,
  /** Characters in one string (keys included). */
  maxStringLength: 131_072,
  /** Items in one array. */
  maxArrayLength: 10_000,
  /** Keys in one object. */
  maxObjectKeys: 1_000,
} as const;

export type WebhookLimits = { readonly [K in keyof typeof WEBHOOK_LIMITS]: number };

/**
 * The first limit a parsed JSON value exceeds, as a sentence naming the limit
 * and where it was exceeded, or null when it is within all of them. Walks the
 * value with an explicit stack, so no nesting can overflow the call stack.
 */
export function webhookLimitProblem(value: unknown, limits: WebhookLimits = WEBHOOK_LIMITS): string | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 1, path: '$' }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: current, depth, path } = next;
    if (typeof current === 'string') {
      if (current.length > limits.maxStringLength) {
        return `a string at ${path} is ${current.length} characters long; the limit is ${limits.maxStringLength}`;
      }
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limits.maxDepth) return `nesting at ${path} is deeper than ${limits.maxDepth} levels`;
    if (Array.isArray(current)) {
      if (current.length > limits.maxArrayLength) {
        return `an array at ${path} has ${current.length} items; the limit is ${limits.maxArrayLength}`;
      }
      current.forEach((item: unknown, index) => stack.push({ value: item, depth: depth + 1, path: `${path}[${index}]` }));
      continue;
    }
    const entries = Object.entries(current);
    if (entries.length > limits.maxObjectKeys) {
      return `an object at ${path} has ${entries.length} keys; the limit is ${limits.maxObjectKeys}`;
    }
    for (const [key, item] of entries) {
      if (key.length > limits.maxStringLength) {
        return `a key at ${path} is ${key.length} characters long; the limit is ${limits.maxStringLength}`;
      }
      stack.push({ value: item, depth: depth + 1, path: `${path}.${key.length > 40 ? `${key.slice(0, 40)}…` : key}` });
    }
  }
  return null;
}
