/** One place where an outbound message breaks Meta's rules, named as a path into the body. */
export class OutboundFieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundFieldProblem';
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Meta counts characters, not UTF-16 units: an emoji is one. */
export function characters(text: string): number {
  let count = 0;
  for (const _char of text) count++;
  return count;
}

export function fieldPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

export function requireRecord(parent: Record<string, unknown>, key: string, path: string): Record<string, unknown> {
  const value = parent[key];
  if (!isRecord(value)) throw new OutboundFieldProblem(fieldPath(path, key), value === undefined ? 'is required' : 'must be an object');
  return value;
}

export function optionalRecord(parent: Record<string, unknown>, key: string, path: string): Record<string, unknown> | null {
  return parent[key] === undefined ? null : requireRecord(parent, key, path);
}

export function requireArray(parent: Record<string, unknown>, key: string, path: string, limits: { min: number; max: number }): unknown[] {
  const value = parent[key];
  const field = fieldPath(path, key);
  if (!Array.isArray(value)) throw new OutboundFieldProblem(field, value === undefined ? 'is required' : 'must be an array');
  if (value.length < limits.min) throw new OutboundFieldProblem(field, `needs at least ${limits.min} item${limits.min === 1 ? '' : 's'}`);
  if (value.length > limits.max) throw new OutboundFieldProblem(field, `takes at most ${limits.max} items (got ${value.length})`);
  return value;
}

export function requireText(parent: Record<string, unknown>, key: string, path: string, limits: { min?: number; max: number }): string {
  const value = parent[key];
  const field = fieldPath(path, key);
  if (typeof value !== 'string') throw new OutboundFieldProblem(field, value === undefined ? 'is required' : 'must be a string');
  const length = characters(value);
  const min = limits.min ?? 1;
  if (length < min) throw new OutboundFieldProblem(field, min === 1 ? 'must not be empty' : `needs at least ${min} characters`);
  if (length > limits.max) throw new OutboundFieldProblem(field, `must be at most ${limits.max} characters (got ${length})`);
  return value;
}

export function optionalText(
  parent: Record<string, unknown>,
  key: string,
  path: string,
  limits: { min?: number; max: number },
): string | null {
  return parent[key] === undefined ? null : requireText(parent, key, path, limits);
}

/** A media object of a send: exactly one of an uploaded media `id` or an https `link`. */
export function requireMediaSource(media: Record<string, unknown>, path: string): void {
  const hasId = media['id'] !== undefined;
  const hasLink = media['link'] !== undefined;
  if (hasId === hasLink) throw new OutboundFieldProblem(path, hasId ? 'takes either id or link, not both' : 'needs an id or a link');
  if (hasId) {
    requireText(media, 'id', path, { max: Number.POSITIVE_INFINITY });
    return;
  }
  const link = requireText(media, 'link', path, { max: Number.POSITIVE_INFINITY });
  let url: URL | null = null;
  try {
    url = new URL(link);
  } catch {
    url = null;
  }
  if (url?.protocol !== 'https:') throw new OutboundFieldProblem(fieldPath(path, 'link'), 'must be an https URL');
}
