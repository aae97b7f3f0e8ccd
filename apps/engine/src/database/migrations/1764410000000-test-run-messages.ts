import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A test run whose event is a customer message sends that message through the
 * WhatsApp simulator, which posts Meta's signed webhook back like any customer
 * would. The run is claimed here, by the wamid the simulator was asked to use,
 * before the message is sent: the event the webhook creates then starts this
 * test execution, and no live flow.
 */
export class TestRunMessages1764410000000 implements MigrationInterface {
  name = 'TestRunMessages1764410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE test_run_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        flow_id uuid NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
        flow_version_id uuid NOT NULL REFERENCES flow_versions(id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        wamid text NOT NULL UNIQUE,
        skip_waits boolean NOT NULL,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        execution_id uuid REFERENCES executions(id) ON DELETE CASCADE
      );
      CREATE INDEX test_run_messages_flow_idx ON test_run_messages (flow_id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE test_run_messages');
  }
}
