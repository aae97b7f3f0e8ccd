import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Weekly reports delivered to the workspace's webhook (settings
 * reports.weekly.webhookUrl): one row per report and URL, retried with a
 * growing delay until it is answered 2xx or gives up; the reports pages show them.
 */
export class ReportWeeklyDeliveries1765250000001 implements MigrationInterface {
  name = 'ReportWeeklyDeliveries1765250000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE report_weekly_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        weekly_id uuid NOT NULL REFERENCES report_weekly(id),
        url text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_status integer,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX report_weekly_deliveries_due_idx ON report_weekly_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX report_weekly_deliveries_workspace_idx ON report_weekly_deliveries (workspace_id, created_at DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE report_weekly_deliveries');
  }
}
