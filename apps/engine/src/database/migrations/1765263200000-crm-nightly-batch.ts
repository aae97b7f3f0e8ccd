import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The nightly CRM batch (incremental by modified time, at 02:00 in the
 * workspace zone by default, resumable from its own cursor) and the time
 * admins were last told the connection's health was below goal.
 */
export class CrmNightlyBatch1765263200000 implements MigrationInterface {
  name = 'CrmNightlyBatch1765263200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE crm_connections
        ADD COLUMN batch_at text NOT NULL DEFAULT '02:00' CHECK (batch_at ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        ADD COLUMN batch_cursor jsonb,
        ADD COLUMN batch_next_at timestamptz,
        ADD COLUMN batch_started_at timestamptz,
        ADD COLUMN health_notified_at timestamptz;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE crm_connections DROP COLUMN batch_at, DROP COLUMN batch_cursor, DROP COLUMN batch_next_at,
        DROP COLUMN batch_started_at, DROP COLUMN health_notified_at;
    `);
  }
}
