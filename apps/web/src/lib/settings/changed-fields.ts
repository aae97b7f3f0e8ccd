function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The part of `edited` that differs from `initial`, as a partial document for
 * the settings PATCH: objects are compared key by key at every depth (only
 * changed keys are kept), lists and values whole. Undefined when nothing
 * changed. Sending only this means a save never overwrites a setting the
 * person did not touch, even if someone else changed it meanwhile.
 */
export function changedFields(initial: unknown, edited: unknown): unknown {
  if (isPlainObject(initial) && isPlainObject(edited)) {
    const patch: Record<string, unknown> = {};
    for (const key of Object.keys(edited)) {
      const change = changedFields(initial[key], edited[key]);
      if (change !== undefined) patch[key] = change;
    }
    return Object.keys(patch).length > 0 ? patch : undefined;
  }
  return JSON.stringify(initial) === JSON.stringify(edited) ? undefined : edited;
}

/** Dotted paths of the fields a patch changes ("messaging.quietHours.start"), for the confirmation. */
export function changedPaths(patch: unknown, prefix = ''): string[] {
  if (!isPlainObject(patch)) return prefix === '' ? [] : [prefix];
  return Object.entries(patch).flatMap(([key, value]) => changedPaths(value, prefix === '' ? key : `${prefix}.${key}`));
}
