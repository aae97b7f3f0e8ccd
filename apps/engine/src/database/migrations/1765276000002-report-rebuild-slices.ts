import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rebuild of the report rollups in slices (docs/REPORTS.md "Rebuild"): a
 * plan (report_rebuilds, one per workspace while it runs, with the recounts it
 * answers) and its slices, each a day of the hourly counts or a range of
 * conversations for the service events, done in its own transaction by any
 * number of connections (FOR UPDATE SKIP LOCKED) and marked done with it. A
 * rebuild that is stopped keeps its plan and finished slices: the next call
 * continues with the slices left.
 */
export class ReportRebuildSlices1765276000002 implements MigrationInterface {
  name = 'ReportRebuildSlices1765276000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE report_rebuilds (
        workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
        recount_ids uuid[] NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE report_rebuild_slices (
        workspace_id uuid NOT NULL REFERENCES report_rebuilds (workspace_id) ON DELETE CASCADE,
        slice integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('window', 'conversations')),
        from_at timestamptz,
        to_at timestamptz,
        first_id uuid,
        last_id uuid,
        done_at timestamptz,
        PRIMARY KEY (workspace_id, slice),
        CHECK ((kind = 'window') = (from_at IS NOT NULL AND to_at IS NOT NULL)),
        CHECK ((kind = 'conversations') = (first_id IS NOT NULL AND last_id IS NOT NULL))
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE report_rebuild_slices, report_rebuilds');
  }
}
