/** Narrowing helpers for JSON answers, so tests read fields without type assertions. */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): JsonObject {
  if (!isObject(value)) throw new Error(`Expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

export function arr(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`Expected a JSON array, got ${JSON.stringify(value)}`);
  return value;
}

export function str(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`Expected a string, got ${JSON.stringify(value)}`);
  return value;
}
