import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chat history to the CRM: each message is put in exactly one batch per
 * connection (the primary key), recorded when the batch is queued, so a
 * retried or re-run collection never logs a message twice; the batch's
 * CRM activity id is written when the CRM has it.
 */
export class CrmChatHistory1765263100000 implements MigrationInterface {
  name = 'CrmChatHistory1765263100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE crm_logged_messages (
        connection_id uuid NOT NULL REFERENCES crm_connections(id) ON DELETE CASCADE,
        message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        outbox_id bigint NOT NULL,
        remote_activity_id text,
        logged_at timestamptz,
        PRIMARY KEY (connection_id, message_id)
      );
      CREATE INDEX crm_logged_messages_outbox_idx ON crm_logged_messages (outbox_id);
      CREATE INDEX messages_workspace_occurred_idx ON messages (workspace_id, occurred_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messages_workspace_occurred_idx; DROP TABLE crm_logged_messages;`);
  }
}
