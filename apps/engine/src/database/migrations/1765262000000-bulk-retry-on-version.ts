import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A bulk retry can move each run to its flow's published version (as a single
 * retry can): the job keeps that choice, so a job resumed by another process
 * retries the rest of its set the same way.
 */
export class BulkRetryOnVersion1765262000000 implements MigrationInterface {
  name = 'BulkRetryOnVersion1765262000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE bulk_execution_jobs ADD COLUMN on_version text NOT NULL DEFAULT 'same' CHECK (on_version IN ('same', 'latest'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE bulk_execution_jobs DROP COLUMN on_version`);
  }
}
