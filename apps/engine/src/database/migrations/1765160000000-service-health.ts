import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The health of services Parley depends on (the WhatsApp Cloud API), shared
 * by every engine process: one row per service, written only when its state
 * changes (degraded after consecutive slow or failed calls, ok again after as
 * many good ones), read by /health/ready and /metrics.
 */
export class ServiceHealth1765160000000 implements MigrationInterface {
  name = 'ServiceHealth1765160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE service_health (
        name text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('ok', 'degraded')),
        since timestamptz NOT NULL,
        reason text,
        last_latency_ms integer,
        updated_at timestamptz NOT NULL DEFAULT now()
      )
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE service_health');
  }
}
