import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Archived flows: out of the flow list, never running (archiving unpublishes),
 * their versions and executions kept for the log. Restoring brings one back as
 * an unpublished draft.
 */
export class FlowArchive1764420000000 implements MigrationInterface {
  name = 'FlowArchive1764420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE flows ADD COLUMN archived_at timestamptz;
      ALTER TABLE flows ADD COLUMN archived_by uuid REFERENCES users(id);
      ALTER TABLE flows ADD CONSTRAINT flows_archived_unpublished CHECK (archived_at IS NULL OR published_version_id IS NULL);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE flows DROP CONSTRAINT flows_archived_unpublished;
      ALTER TABLE flows DROP COLUMN archived_by;
      ALTER TABLE flows DROP COLUMN archived_at;
    `);
  }
}
