import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Test runs of drafts: a draft is frozen as a "test" version (numbered by the
 * draft revision it froze, so testing the same revision twice reuses it and
 * published numbering is untouched); an execution may skip its waits; a
 * contact made for test runs is "simulated", and every message to it goes to
 * the simulator, whatever sends it.
 */
export class TestRuns1764300000000 implements MigrationInterface {
  name = 'TestRuns1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE flow_versions ADD COLUMN kind text NOT NULL DEFAULT 'published' CHECK (kind IN ('published', 'test'));
      ALTER TABLE flow_versions DROP CONSTRAINT flow_versions_flow_id_version_key;
      CREATE UNIQUE INDEX flow_versions_published_key ON flow_versions (flow_id, version) WHERE kind = 'published';
      CREATE UNIQUE INDEX flow_versions_test_key ON flow_versions (flow_id, version) WHERE kind = 'test';
      ALTER TABLE executions ADD COLUMN skip_waits boolean NOT NULL DEFAULT false;
      ALTER TABLE contacts ADD COLUMN simulated boolean NOT NULL DEFAULT false;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$ BEGIN
        -- Test versions may share numbers with published ones and executions pin them: going back would lose history.
        IF EXISTS (SELECT 1 FROM flow_versions WHERE kind = 'test') THEN
          RAISE EXCEPTION 'Test runs exist; this migration cannot be undone without deleting them and their executions.';
        END IF;
      END $$;
      ALTER TABLE contacts DROP COLUMN simulated;
      ALTER TABLE executions DROP COLUMN skip_waits;
      DROP INDEX flow_versions_test_key;
      DROP INDEX flow_versions_published_key;
      ALTER TABLE flow_versions ADD CONSTRAINT flow_versions_flow_id_version_key UNIQUE (flow_id, version);
      ALTER TABLE flow_versions DROP COLUMN kind;
    `);
  }
}
