import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The explorer's contact search with a status ("the failed runs of these 111
 * contacts") reads each matched contact's newest runs of that status. The
 * contact index (contact_id, status) was not ordered by start, and the
 * ordered one (workspace, contact, start) has no status: each contact's runs
 * were read newest first and every one fetched to check its status, all of a
 * contact's runs when it had none of that status (10,000 rows for 111 contacts
 * at 10 M executions). With the start and id after the status, the newest
 * run of a status is the first entry of its range.
 *
 * It replaces the old index rather than adding one, so writes keep the same
 * number of index entries; every read of the old one (a contact's active runs
 * for entry rules, erasure) uses its leading columns, which are unchanged. The
 * migration runner runs all pending migrations in one transaction, so this is
 * a plain CREATE INDEX (writes to executions wait while it builds: 17 s at
 * 10,000,000 executions, docs/BENCHMARKS.md), not CONCURRENTLY.
 */
export class ExecutionsContactStatusOrder1765290000000 implements MigrationInterface {
  name = 'ExecutionsContactStatusOrder1765290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX IF NOT EXISTS executions_contact_status_idx ON executions (contact_id, status, started_at DESC, id DESC)',
    );
    await queryRunner.query('DROP INDEX IF EXISTS executions_contact_idx');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX IF NOT EXISTS executions_contact_idx ON executions (contact_id, status)');
    await queryRunner.query('DROP INDEX IF EXISTS executions_contact_status_idx');
  }
}
