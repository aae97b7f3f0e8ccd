/**
 * A migration lifts a raw flow document from `from` to `from + 1`. Documents
 * are migrated on read, so a flow saved by any earlier build keeps working.
 * Add one entry per schema change; never edit a released one.
 */
export interface FlowMigration {
  from: number;
  migrate(document: Record<string, unknown>): Record<string, unknown>;
}

export const FLOW_MIGRATIONS: readonly FlowMigration[] = [];

export type MigrateResult = { ok: true; document: Record<string, unknown> } | { ok: false; missingFrom: number };

/** Applies migrations one version at a time from `fromVersion` up to `toVersion`. */
export function migrateFlowDocument(
  document: Record<string, unknown>,
  fromVersion: number,
  toVersion: number,
  migrations: readonly FlowMigration[],
): MigrateResult {
  let raw = document;
  for (let from = fromVersion; from < toVersion; from += 1) {
    const step = migrations.find((m) => m.from === from);
    if (!step) return { ok: false, missingFrom: from };
    raw = { ...step.migrate(raw), schemaVersion: from + 1 };
  }
  return { ok: true, document: raw };
}
