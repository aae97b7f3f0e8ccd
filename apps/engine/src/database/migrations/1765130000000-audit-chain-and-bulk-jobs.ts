import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tamper-evident audit trail and the bulk execution jobs.
 *
 * Each audit row carries its place in its workspace's chain (`chain_seq`), the
 * hash of the row before it and its own hash. A BEFORE INSERT trigger fills
 * them, under a per-workspace advisory lock held until the inserting
 * transaction ends, so two concurrent inserts never chain onto the same
 * predecessor (and the unique (workspace_id, chain_seq) refuses a fork if
 * something ever bypassed the lock). The hash is computed in the database so
 * every writer, whatever module, chains the same way. TRUNCATE is refused like
 * UPDATE and DELETE.
 */
export class AuditChainAndBulkJobs1765130000000 implements MigrationInterface {
  name = 'AuditChainAndBulkJobs1765130000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE audit_log
        ADD COLUMN chain_seq bigint,
        ADD COLUMN prev_hash text,
        ADD COLUMN hash text,
        ADD COLUMN ip text,
        ADD COLUMN user_agent text;

      -- One canonical text per row: a JSON array (unambiguous quoting, nulls kept),
      -- the time as integer microseconds so the session's time zone never matters.
      CREATE FUNCTION parley_audit_hash(
        prev_hash text, id bigint, workspace_id uuid, chain_seq bigint, actor_user_id uuid, action text,
        subject_type text, subject_id text, details jsonb, created_at timestamptz, ip text, user_agent text
      ) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(jsonb_build_array(
          prev_hash, id, workspace_id, chain_seq, actor_user_id, action, subject_type, subject_id, details,
          (extract(epoch FROM created_at) * 1000000)::bigint, ip, user_agent
        )::text, 'UTF8')), 'hex')
      $$;

      CREATE FUNCTION parley_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        last_seq bigint;
        last_hash text;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('parley.audit_chain:' || NEW.workspace_id::text, 0));
        SELECT chain_seq, hash INTO last_seq, last_hash
          FROM audit_log WHERE workspace_id = NEW.workspace_id ORDER BY chain_seq DESC LIMIT 1;
        NEW.chain_seq := coalesce(last_seq, 0) + 1;
        NEW.prev_hash := last_hash;
        NEW.hash := parley_audit_hash(NEW.prev_hash, NEW.id, NEW.workspace_id, NEW.chain_seq, NEW.actor_user_id, NEW.action,
          NEW.subject_type, NEW.subject_id, NEW.details, NEW.created_at, NEW.ip, NEW.user_agent);
        RETURN NEW;
      END;
      $$;

      ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
      DO $$
      DECLARE
        r record;
        seq bigint;
        previous text;
        current_workspace uuid;
      BEGIN
        FOR r IN SELECT * FROM audit_log ORDER BY workspace_id, id LOOP
          IF current_workspace IS DISTINCT FROM r.workspace_id THEN
            current_workspace := r.workspace_id;
            seq := 0;
            previous := NULL;
          END IF;
          seq := seq + 1;
          UPDATE audit_log SET chain_seq = seq, prev_hash = previous,
                 hash = parley_audit_hash(previous, r.id, r.workspace_id, seq, r.actor_user_id, r.action, r.subject_type,
                                          r.subject_id, r.details, r.created_at, NULL, NULL)
           WHERE id = r.id
          RETURNING hash INTO previous;
        END LOOP;
      END;
      $$;
      ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;

      ALTER TABLE audit_log ALTER COLUMN chain_seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
      ALTER TABLE audit_log ADD CONSTRAINT audit_log_chain_unique UNIQUE (workspace_id, chain_seq);
      CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION parley_audit_chain();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION parley_refuse_change();

      CREATE INDEX audit_log_action_idx ON audit_log (workspace_id, action, id DESC);
      CREATE INDEX audit_log_actor_idx ON audit_log (workspace_id, actor_user_id, id DESC);
      CREATE INDEX audit_log_subject_idx ON audit_log (workspace_id, subject_type, subject_id, id DESC);

      -- The explorer's filters, each leading with the workspace and ending in its sort order,
      -- so a first page reads an index range instead of sorting millions of rows.
      CREATE INDEX executions_ws_status_idx ON executions (workspace_id, status, started_at DESC, id DESC);
      CREATE INDEX executions_ws_flow_idx ON executions (workspace_id, flow_id, started_at DESC, id DESC);
      CREATE INDEX executions_ws_error_idx ON executions (workspace_id, error_code, started_at DESC, id DESC) WHERE error_code IS NOT NULL;
      CREATE INDEX executions_ws_contact_idx ON executions (workspace_id, contact_id, started_at DESC, id DESC);

      -- The explorer's contact search (part of a name) by trigram, where the server has pg_trgm (it is a trusted
      -- extension, in PostgreSQL's contrib and in the embedded server); without it the search still works, slower.
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
          CREATE EXTENSION IF NOT EXISTS pg_trgm;
          CREATE INDEX contacts_display_name_trgm_idx ON contacts USING gin (display_name gin_trgm_ops);
        END IF;
      END;
      $$;

      CREATE TABLE bulk_execution_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        request_key text NOT NULL CHECK (length(request_key) BETWEEN 1 AND 100),
        action text NOT NULL CHECK (action IN ('retry', 'cancel')),
        filter jsonb NOT NULL,
        excluded uuid[] NOT NULL DEFAULT '{}',
        total integer NOT NULL,
        processed integer NOT NULL DEFAULT 0,
        succeeded integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        lease_until timestamptz,
        UNIQUE (workspace_id, request_key)
      );
      CREATE INDEX bulk_execution_jobs_running_idx ON bulk_execution_jobs (lease_until) WHERE status = 'running';

      -- The executions a job acts on, frozen when it starts. An item is claimed
      -- (committed) before its action runs, so a job resumed after a crash never
      -- acts twice on one execution: a claimed item without an outcome is
      -- reported as unknown, not run again.
      CREATE TABLE bulk_execution_job_items (
        job_id uuid NOT NULL REFERENCES bulk_execution_jobs(id) ON DELETE CASCADE,
        execution_id uuid NOT NULL,
        position integer NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'claimed', 'done', 'skipped', 'unknown')),
        outcome text,
        PRIMARY KEY (job_id, execution_id)
      );
      CREATE INDEX bulk_execution_job_items_pending_idx ON bulk_execution_job_items (job_id, position) WHERE state IN ('pending', 'claimed');

      CREATE TABLE saved_execution_views (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        query text NOT NULL CHECK (length(query) <= 2000),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, name)
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE saved_execution_views, bulk_execution_job_items, bulk_execution_jobs;
      DROP INDEX IF EXISTS contacts_display_name_trgm_idx;
      DROP INDEX executions_ws_status_idx, executions_ws_flow_idx, executions_ws_error_idx, executions_ws_contact_idx;
      DROP INDEX audit_log_action_idx, audit_log_actor_idx, audit_log_subject_idx;
      DROP TRIGGER audit_log_no_truncate ON audit_log;
      DROP TRIGGER audit_log_chain ON audit_log;
      ALTER TABLE audit_log DROP CONSTRAINT audit_log_chain_unique;
      DROP FUNCTION parley_audit_chain();
      DROP FUNCTION parley_audit_hash(text, bigint, uuid, bigint, uuid, text, text, text, jsonb, timestamptz, text, text);
      ALTER TABLE audit_log DROP COLUMN user_agent, DROP COLUMN ip, DROP COLUMN hash, DROP COLUMN prev_hash, DROP COLUMN chain_seq;
    `);
  }
}
