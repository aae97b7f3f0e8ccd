import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole-workspace duplicate scan as a background job (docs/CONTACTS.md
 * "Duplicates"): started by a person or the nightly round, worked step by step
 * by a worker holding a lease, its stage and keyset position stored after each
 * step so a crashed worker's job resumes where it stopped. One job at a time
 * per workspace (the partial unique index).
 */
export class DuplicateScanJobs1765278000000 implements MigrationInterface {
  name = 'DuplicateScanJobs1765278000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE duplicate_scan_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
        detected_by text NOT NULL,
        stage text NOT NULL DEFAULT 'phone',
        stage_after text,
        stages_done integer NOT NULL DEFAULT 0,
        steps integer NOT NULL DEFAULT 0,
        pairs_found integer NOT NULL DEFAULT 0,
        contacts_compared integer NOT NULL DEFAULT 0,
        auto_merged integer NOT NULL DEFAULT 0,
        error text,
        lease_token uuid,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX duplicate_scan_jobs_one_active ON duplicate_scan_jobs (workspace_id) WHERE status IN ('queued', 'running')`,
    );
    await queryRunner.query(`CREATE INDEX duplicate_scan_jobs_workspace ON duplicate_scan_jobs (workspace_id, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE duplicate_scan_jobs`);
  }
}
