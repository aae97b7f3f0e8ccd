import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `conversation_count_changes` is a queue: the trigger appends, the fold
 * deletes everything every 5 s. Every list call reads it, so its dead rows are
 * read too until a vacuum frees them; by default autovacuum waits for 20% of
 * the table's size in dead rows, which after a burst (a bulk import, a mass
 * resolve) kept a list call's count scanning a thousand pages of nothing
 * (docs/BENCHMARKS.md, "Inbox (issue 11, part 3)"). Vacuum it after a fixed
 * number of dead rows instead.
 */
export class ConversationCountChangesVacuum1765260000000 implements MigrationInterface {
  name = 'ConversationCountChangesVacuum1765260000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE conversation_count_changes SET (
        autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 1000)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE conversation_count_changes RESET (
        autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
        autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold)`);
  }
}
