import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When each API key was last used, so an admin can see which keys are still in use before revoking one. */
export class ApiKeyLastUsed1765135000000 implements MigrationInterface {
  name = 'ApiKeyLastUsed1765135000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE api_keys DROP COLUMN last_used_at`);
  }
}
