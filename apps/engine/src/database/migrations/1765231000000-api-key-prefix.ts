import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first characters of each API key, kept in clear: the audit trail and the
 * keys list name a key by its name and prefix, so an admin can tell which
 * system made a change. Keys made before this have none (they show their name).
 */
export class ApiKeyPrefix1765231000000 implements MigrationInterface {
  name = 'ApiKeyPrefix1765231000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE api_keys ADD COLUMN key_prefix text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE api_keys DROP COLUMN key_prefix`);
  }
}
