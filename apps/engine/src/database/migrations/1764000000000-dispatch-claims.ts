import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Due waits are claimed for dispatch in the database, so several worker
 * processes polling the same waits hand each one out once; and the sweeper's
 * look for executions left running by a dead process reads a small partial
 * index instead of every execution ever run.
 */
export class DispatchClaims1764000000000 implements MigrationInterface {
  name = 'DispatchClaims1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE waits ADD COLUMN dispatched_at timestamptz;
      CREATE INDEX executions_running_idx ON executions (updated_at) WHERE status = 'running';
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX executions_running_idx;
      ALTER TABLE waits DROP COLUMN dispatched_at;
    `);
  }
}
