/** The contact fields a person chooses between when two contacts merge. */
export const MERGE_FIELDS = ['firstName', 'lastName', 'displayName', 'email', 'timeZone', 'locale', 'list'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

export const MERGE_COLUMNS: Record<MergeField, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  displayName: 'display_name',
  email: 'email',
  timeZone: 'time_zone',
  locale: 'locale',
  list: 'list',
};

export type MergeSide = 'kept' | 'merged';

/** What the plan reads of each contact. */
export interface MergeSubject {
  values: Record<MergeField, string | null>;
  fields: Record<string, unknown>;
  updatedAt: Date;
}

/** A field on which the two contacts differ, with what the plan takes by default. */
export interface MergeConflict {
  field: string;
  kept: unknown;
  merged: unknown;
  defaultSide: MergeSide;
}

export interface MergePlan {
  values: Record<MergeField, string | null>;
  fields: Record<string, unknown>;
  conflicts: MergeConflict[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

/**
 * The kept contact's fields after the merge. A value only one side has is
 * taken; where both have different values the person's choice decides
 * (`choices[field]`, custom fields as `fields.<key>`), by default the contact
 * changed last. Pure: the merge service loads and writes.
 */
export function planMerge(kept: MergeSubject, merged: MergeSubject, choices: Readonly<Record<string, MergeSide>>): MergePlan {
  const latest: MergeSide = merged.updatedAt.getTime() > kept.updatedAt.getTime() ? 'merged' : 'kept';
  const conflicts: MergeConflict[] = [];
  const pick = (field: string, keptValue: unknown, mergedValue: unknown): unknown => {
    if (isEmpty(mergedValue) || same(keptValue, mergedValue)) return keptValue;
    if (isEmpty(keptValue)) return mergedValue;
    conflicts.push({ field, kept: keptValue, merged: mergedValue, defaultSide: latest });
    return (choices[field] ?? latest) === 'kept' ? keptValue : mergedValue;
  };
  const values = { ...kept.values };
  for (const field of MERGE_FIELDS) {
    const chosen = pick(field, kept.values[field], merged.values[field]);
    values[field] = typeof chosen === 'string' ? chosen : null;
  }
  const fields: Record<string, unknown> = {};
  for (const key of [...new Set([...Object.keys(kept.fields), ...Object.keys(merged.fields)])].sort()) {
    const chosen = pick(`fields.${key}`, kept.fields[key], merged.fields[key]);
    if (chosen !== undefined) fields[key] = chosen;
  }
  return { values, fields, conflicts };
}
