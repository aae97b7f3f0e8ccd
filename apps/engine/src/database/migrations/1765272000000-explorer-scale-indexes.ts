import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The explorer's filters that had no index of their own, each ordered as the
 * page is (newest first, then id), so the first page is read from the index's
 * first entries however many executions there are (measured at 10 M):
 * - a flow version (the "version" filter walked every execution of the
 *   workspace newest first looking for one version's);
 * - a failed step (failed runs only, by the step they stopped at: the status
 *   index walked every failed run looking for one step's);
 * - a flow with a status, and a flow with an error code ("the failed runs of
 *   flow X with error 131047"): with one index per column, a flow with no
 *   failures made the planner walk every failed run of the workspace.
 */
export class ExplorerScaleIndexes1765272000000 implements MigrationInterface {
  name = 'ExplorerScaleIndexes1765272000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX IF NOT EXISTS executions_ws_version_idx ON executions (workspace_id, flow_version_id, started_at DESC, id DESC)',
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS executions_ws_failed_step_idx ON executions (workspace_id, current_node_id, started_at DESC, id DESC)
        WHERE status = 'failed'`,
    );
    await queryRunner.query(
      'CREATE INDEX IF NOT EXISTS executions_ws_flow_status_idx ON executions (workspace_id, flow_id, status, started_at DESC, id DESC)',
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS executions_ws_flow_error_idx ON executions (workspace_id, flow_id, error_code, started_at DESC, id DESC)
        WHERE error_code IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DROP INDEX IF EXISTS executions_ws_version_idx, executions_ws_failed_step_idx, executions_ws_flow_status_idx, executions_ws_flow_error_idx',
    );
  }
}
