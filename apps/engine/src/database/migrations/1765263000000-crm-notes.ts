import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notes that flows add to a contact when the workspace has no CRM connected
 * (the built-in store); with a CRM they go to the CRM's note object instead.
 */
export class CrmNotes1765263000000 implements MigrationInterface {
  name = 'CrmNotes1765263000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE crm_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        text text NOT NULL,
        execution_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX crm_notes_contact_idx ON crm_notes (contact_id, created_at DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE crm_notes`);
  }
}
