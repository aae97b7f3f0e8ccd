import type { MigrationInterface, QueryRunner } from 'typeorm';

const INDEXES = [
  // A version with an error code ("131047 on v3"): a version with none of it walked all its runs, or every run with
  // the code, newest first (seconds a page at 10 M executions). Failed runs only, as the error-code indexes.
  `CREATE INDEX IF NOT EXISTS executions_ws_version_error_idx ON executions (workspace_id, flow_version_id, error_code, started_at DESC, id DESC)
     WHERE error_code IS NOT NULL`,
  // Test runs with a status, or a flow and a status ("the failed test runs of X"): none such walked every test run.
  'CREATE INDEX IF NOT EXISTS executions_ws_test_status_idx ON executions (workspace_id, status, started_at DESC, id DESC) WHERE test_mode',
  'CREATE INDEX IF NOT EXISTS executions_ws_test_flow_status_idx ON executions (workspace_id, flow_id, status, started_at DESC, id DESC) WHERE test_mode',
];

/**
 * Explorer filter combinations whose intersection can be empty while each
 * part is large: read from one index whose leading columns are the filter's,
 * the first page costs a few entries whatever the data (docs/ADMIN.md).
 */
export class ExplorerEmptyCombinationIndexes1765281000000 implements MigrationInterface {
  name = 'ExplorerEmptyCombinationIndexes1765281000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.query(index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['executions_ws_version_error_idx', 'executions_ws_test_status_idx', 'executions_ws_test_flow_status_idx'])
      await queryRunner.query(`DROP INDEX IF EXISTS ${name}`);
  }
}
