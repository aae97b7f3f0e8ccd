import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Discount requests and whether each converted (docs/REPORTS.md "Discount
 * requests → orders"): one row per customer message with the discount intent,
 * with the first order its customer placed within the conversion window after
 * it (null: none). The sales funnel counts the distinct customers of a range's
 * rows and those of them with an order; a per-hour count could not tell
 * distinct customers. Kept by the rollup job (a round recomputes the rows of the
 * messages it takes and the conversions of the customers whose orders it
 * takes) and by the rebuild, which the migration asks for to fill past data.
 */
export class ReportDiscountFacts1765291000000 implements MigrationInterface {
  name = 'ReportDiscountFacts1765291000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE report_discount_facts (
        message_id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        contact_id uuid NOT NULL,
        at timestamptz NOT NULL,
        number_id uuid,
        converted_at timestamptz
      );
      CREATE INDEX report_discount_facts_range ON report_discount_facts (workspace_id, at);
      CREATE INDEX report_discount_facts_contact ON report_discount_facts (contact_id, at);
      INSERT INTO report_changes (workspace_id, kind) SELECT id, 'rebuild' FROM workspaces;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE report_discount_facts');
  }
}
