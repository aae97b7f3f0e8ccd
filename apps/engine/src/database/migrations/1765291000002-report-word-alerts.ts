import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Watched-word alerts (docs/REPORTS.md "Watched-word alerts"): a word, a
 * direction and a share of customer messages over a trailing period (e.g.
 * "discount" under 8 % over 7 days). The rollup worker checks them; a breach
 * notifies the workspace's admins once (breached_at set), and is over when the
 * share is back (breached_at cleared), so the next breach notifies again.
 */
export class ReportWordAlerts1765291000002 implements MigrationInterface {
  name = 'ReportWordAlerts1765291000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE report_word_alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        term text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('under', 'over')),
        threshold double precision NOT NULL CHECK (threshold >= 0 AND threshold <= 1),
        period_days integer NOT NULL CHECK (period_days BETWEEN 1 AND 90),
        breached_at timestamptz,
        last_share double precision,
        last_messages bigint,
        checked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX report_word_alerts_key ON report_word_alerts (workspace_id, term, direction);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE report_word_alerts');
  }
}
