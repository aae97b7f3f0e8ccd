import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A number may belong to a Meta app of its own (another business on the same
 * deployment): its app secret is stored sealed beside its token, and each
 * webhook delivery remembers which numbers' secret signed it, so one app can
 * never speak for another app's numbers.
 */
export class NumberAppSecrets1764200000000 implements MigrationInterface {
  name = 'NumberAppSecrets1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE whatsapp_numbers
        ADD COLUMN app_secret_enc text,
        ADD COLUMN app_secret_updated_at timestamptz;
      ALTER TABLE webhook_deliveries ADD COLUMN signed_for text[];
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE webhook_deliveries DROP COLUMN signed_for;
      ALTER TABLE whatsapp_numbers DROP COLUMN app_secret_updated_at, DROP COLUMN app_secret_enc;
    `);
  }
}
