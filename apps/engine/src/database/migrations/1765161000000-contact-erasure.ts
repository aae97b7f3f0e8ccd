import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a contact's personal data was erased on request (GDPR); the row stays as an anonymous shell. */
export class ContactErasure1765161000000 implements MigrationInterface {
  name = 'ContactErasure1765161000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE contacts ADD COLUMN erased_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE contacts DROP COLUMN erased_at');
  }
}
