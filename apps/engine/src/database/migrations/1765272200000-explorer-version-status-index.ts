import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A flow version with a status ("the waiting runs of v3"): with the version
 * and the status in separate indexes, a version with none of that status made
 * the planner walk every run of the status (or of the version) newest first;
 * seconds a page at 10 M executions (docs/BENCHMARKS.md).
 */
export class ExplorerVersionStatusIndex1765272200000 implements MigrationInterface {
  name = 'ExplorerVersionStatusIndex1765272200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX IF NOT EXISTS executions_ws_version_status_idx ON executions (workspace_id, flow_version_id, status, started_at DESC, id DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX IF EXISTS executions_ws_version_status_idx');
  }
}
