import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A recount of a workspace's report rollups asked for by a person (after a
 * change of the business hours, which apply to new changes only): when it was
 * asked, by whom, and the rebuild's progress (steps done of total), written by
 * the rebuild outside its own transaction so the screen can show it while it
 * runs. Only the reports module writes it.
 */
export class ReportRecounts1765274000001 implements MigrationInterface {
  name = 'ReportRecounts1765274000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE report_recounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        done_steps integer NOT NULL DEFAULT 0,
        total_steps integer NOT NULL DEFAULT 0,
        finished_at timestamptz
      );
      CREATE INDEX report_recounts_workspace_idx ON report_recounts (workspace_id, requested_at DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE report_recounts');
  }
}
