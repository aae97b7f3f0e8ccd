import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A daily level for the words report (docs/REPORTS.md "Words"): the same
 * counts as report_word_hours per UTC day, so a long range reads its whole days
 * (90 rows per term and number for 90 days) and only its ragged ends hour by
 * hour. The rollup job adds to both in the same statement batch and the
 * rebuild refills a day window's rows with its hours; filled here from the
 * hourly rows, which it equals.
 */
export class ReportWordDays1765291000001 implements MigrationInterface {
  name = 'ReportWordDays1765291000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE report_word_days (
        workspace_id uuid NOT NULL,
        day timestamptz NOT NULL,
        number_id uuid,
        kind text NOT NULL,
        term text NOT NULL,
        count integer NOT NULL
      );
      INSERT INTO report_word_days (workspace_id, day, number_id, kind, term, count)
      SELECT workspace_id, date_trunc('day', hour, 'UTC'), number_id, kind, term, sum(count) FROM report_word_hours
       GROUP BY 1, 2, 3, 4, 5 HAVING sum(count) <> 0;
      CREATE UNIQUE INDEX report_word_days_key ON report_word_days (workspace_id, day, number_id, kind, term) NULLS NOT DISTINCT;
      CREATE INDEX report_word_days_zero_idx ON report_word_days (workspace_id) WHERE count = 0;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE report_word_days');
  }
}
