import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The explorer's search by part of a number reads one trigram index over a
 * contact's WhatsApp id and phone together instead of one index each: the
 * digits of numbers share most of their trigrams ("395", "000"), so each
 * index scan reads posting lists of nearly every contact, and two of them cost
 * twice (100 ms each under load at 100,000 contacts, measured). The space
 * between the two keeps a match from spanning them (a search has no spaces).
 * Only where pg_trgm is installed, as the indexes it stands beside.
 */
export class ExplorerContactNumbersTrgm1765275000001 implements MigrationInterface {
  name = 'ExplorerContactNumbersTrgm1765275000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
          CREATE INDEX IF NOT EXISTS contacts_numbers_trgm_idx ON contacts
            USING gin ((coalesce(wa_id, '') || ' ' || coalesce(phone_e164, '')) gin_trgm_ops);
        END IF;
      END;
      $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX IF EXISTS contacts_numbers_trgm_idx');
  }
}
