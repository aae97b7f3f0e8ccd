import { type ContactFields, SYNCED_FIELDS, type SyncedField } from '../connectors/crm-connector';

/** A local change not yet in the CRM: its value and when it was made (epoch ms). */
export interface PendingChange {
  value: string | null;
  changedAt: number;
}

export interface FieldConflict {
  field: SyncedField;
  localValue: string | null;
  localChangedAt: number;
  remoteValue: string | null;
  remoteChangedAt: number;
  winner: 'local' | 'remote';
}

export interface FieldDecisions {
  /** Remote values to write into the Parley contact. */
  applyLocally: Partial<ContactFields>;
  /** Pending local changes that lost (or already match): not to be pushed. */
  cancelPending: SyncedField[];
  /** The values both sides now agree on (the new baseline for these fields). */
  agreed: Partial<ContactFields>;
  conflicts: FieldConflict[];
}

/**
 * What a record read from the CRM means for the Parley contact, field by
 * field. `baseline` is what both sides last agreed on; a remote value that
 * differs from it is a remote change. A field changed on one side only takes
 * that side's value; a field changed on both sides to different values is a
 * conflict: the later change by millisecond wins (the CRM on a tie, as the
 * record of reference) and the difference is queued for a person.
 */
export function decideFields(input: {
  baseline: Partial<ContactFields>;
  current: ContactFields;
  pending: Partial<Record<SyncedField, PendingChange>>;
  remote: { fields: ContactFields; modifiedAt: number };
}): FieldDecisions {
  const decisions: FieldDecisions = { applyLocally: {}, cancelPending: [], agreed: {}, conflicts: [] };
  for (const field of SYNCED_FIELDS) {
    const remoteValue = input.remote.fields[field];
    const known = field in input.baseline;
    const remoteChanged = known ? input.baseline[field] !== remoteValue : remoteValue !== null;
    if (!remoteChanged) continue;
    const pending = input.pending[field];
    if (!pending) {
      if (input.current[field] !== remoteValue) decisions.applyLocally[field] = remoteValue;
      decisions.agreed[field] = remoteValue;
      continue;
    }
    if (pending.value === remoteValue) {
      decisions.cancelPending.push(field);
      decisions.agreed[field] = remoteValue;
      continue;
    }
    const winner = pending.changedAt > input.remote.modifiedAt ? 'local' : 'remote';
    decisions.conflicts.push({
      field,
      localValue: pending.value,
      localChangedAt: pending.changedAt,
      remoteValue,
      remoteChangedAt: input.remote.modifiedAt,
      winner,
    });
    if (winner === 'remote') {
      decisions.cancelPending.push(field);
      if (input.current[field] !== remoteValue) decisions.applyLocally[field] = remoteValue;
      decisions.agreed[field] = remoteValue;
    }
  }
  return decisions;
}
