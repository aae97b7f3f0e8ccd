import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The duplicate scan's same-SKU stage is bounded whatever the data (docs/CONTACTS.md "Duplicates"): blocks of one
 * SKU and one name key, each purchase compared with at most a fixed number of later ones. Where the bound cut a
 * block short, the job says so: how many blocks, and the first few (SKU, key, purchases read).
 */
export class DuplicateScanCappedBlocks1765292000000 implements MigrationInterface {
  name = 'DuplicateScanCappedBlocks1765292000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE duplicate_scan_jobs
      ADD COLUMN capped_blocks integer NOT NULL DEFAULT 0,
      ADD COLUMN capped_examples jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE duplicate_scan_jobs DROP COLUMN capped_blocks, DROP COLUMN capped_examples`);
  }
}
