import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Memberships of a user in workspaces other than their own (the one on the
 * user row, with the user's role there): each with its own role. The session
 * names the workspace it works in, so switching is one update of the session.
 */
export class WorkspaceMemberships1765230000000 implements MigrationInterface {
  name = 'WorkspaceMemberships1765230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE workspace_memberships (
        workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('admin', 'marketer', 'support')),
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, user_id)
      );
      CREATE INDEX workspace_memberships_user_idx ON workspace_memberships (user_id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE workspace_memberships`);
  }
}
