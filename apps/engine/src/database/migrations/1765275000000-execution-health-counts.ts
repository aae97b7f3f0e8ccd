import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The health strip's counts, kept as the executions change instead of counted
 * at each read (docs/ADMIN.md "Health strip"): live runs and failures per UTC
 * hour of their start and per flow, and how many runs are running, waiting or
 * held now. Statement triggers with transition tables fold each statement's
 * rows in with one upsert per table, so a batch costs the same few statements
 * as one row.
 *
 * Each row also carries the PostgreSQL backend that wrote it, and readers sum
 * over backends: a backend runs one transaction at a time, so two transactions
 * never update the same counter row, and a busy flow's runs neither wait on
 * each other's counter lock nor deadlock on two counters taken in opposite
 * orders. The rows written by one backend in one hour are one row per flow.
 *
 * `parley_execution_counts_recount()` rebuilds both from the executions (this
 * migration, and whoever writes executions with triggers off, as the admin
 * bench's seed does).
 */
export class ExecutionHealthCounts1765275000000 implements MigrationInterface {
  name = 'ExecutionHealthCounts1765275000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE execution_hourly_counts (
        workspace_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        flow_id uuid NOT NULL,
        backend int NOT NULL,
        runs int NOT NULL,
        failures int NOT NULL,
        PRIMARY KEY (workspace_id, hour, flow_id, backend)
      );
      CREATE TABLE execution_active_counts (
        workspace_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'waiting', 'held')),
        backend int NOT NULL,
        n int NOT NULL,
        PRIMARY KEY (workspace_id, status, backend)
      );

      CREATE FUNCTION parley_execution_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO execution_hourly_counts AS t (workspace_id, hour, flow_id, backend, runs, failures)
        SELECT workspace_id, date_trunc('hour', started_at, 'UTC'), flow_id, pg_backend_pid(),
               count(*), count(*) FILTER (WHERE status = 'failed')
          FROM new_rows WHERE NOT test_mode GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (workspace_id, hour, flow_id, backend)
          DO UPDATE SET runs = t.runs + excluded.runs, failures = t.failures + excluded.failures;
        INSERT INTO execution_active_counts AS t (workspace_id, status, backend, n)
        SELECT workspace_id, status, pg_backend_pid(), count(*)
          FROM new_rows WHERE status IN ('running', 'waiting', 'held') GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (workspace_id, status, backend) DO UPDATE SET n = t.n + excluded.n;
        RETURN NULL;
      END $$;

      CREATE FUNCTION parley_execution_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO execution_hourly_counts AS t (workspace_id, hour, flow_id, backend, runs, failures)
        SELECT workspace_id, date_trunc('hour', started_at, 'UTC'), flow_id, pg_backend_pid(),
               -count(*), -count(*) FILTER (WHERE status = 'failed')
          FROM old_rows WHERE NOT test_mode GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (workspace_id, hour, flow_id, backend)
          DO UPDATE SET runs = t.runs + excluded.runs, failures = t.failures + excluded.failures;
        INSERT INTO execution_active_counts AS t (workspace_id, status, backend, n)
        SELECT workspace_id, status, pg_backend_pid(), -count(*)
          FROM old_rows WHERE status IN ('running', 'waiting', 'held') GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (workspace_id, status, backend) DO UPDATE SET n = t.n + excluded.n;
        RETURN NULL;
      END $$;

      -- Most updates of an execution (its current step, updated_at) change nothing counted: one probe and out.
      CREATE FUNCTION parley_execution_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (
          SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
           WHERE (o.workspace_id, o.flow_id, o.started_at, o.test_mode, o.status)
                 IS DISTINCT FROM (n.workspace_id, n.flow_id, n.started_at, n.test_mode, n.status)
        ) THEN
          RETURN NULL;
        END IF;
        WITH changed AS (
          SELECT o.workspace_id AS o_workspace_id, o.flow_id AS o_flow_id, o.started_at AS o_started_at, o.test_mode AS o_test_mode,
                 o.status AS o_status, n.workspace_id, n.flow_id, n.started_at, n.test_mode, n.status
            FROM old_rows o JOIN new_rows n ON n.id = o.id
           WHERE (o.workspace_id, o.flow_id, o.started_at, o.test_mode, o.status)
                 IS DISTINCT FROM (n.workspace_id, n.flow_id, n.started_at, n.test_mode, n.status)
        ), deltas AS (
          SELECT o_workspace_id AS workspace_id, o_flow_id AS flow_id, o_started_at AS started_at, o_test_mode AS test_mode,
                 o_status AS status, -1 AS sign FROM changed
          UNION ALL
          SELECT workspace_id, flow_id, started_at, test_mode, status, 1 FROM changed
        ), hourly AS (
          INSERT INTO execution_hourly_counts AS t (workspace_id, hour, flow_id, backend, runs, failures)
          SELECT workspace_id, hour, flow_id, pg_backend_pid(), runs, failures FROM (
            SELECT workspace_id, date_trunc('hour', started_at, 'UTC') AS hour, flow_id,
                   sum(sign)::int AS runs, coalesce(sum(sign) FILTER (WHERE status = 'failed'), 0)::int AS failures
              FROM deltas WHERE NOT test_mode GROUP BY 1, 2, 3
          ) g
           WHERE g.runs <> 0 OR g.failures <> 0
           ORDER BY 1, 2, 3
          ON CONFLICT (workspace_id, hour, flow_id, backend)
            DO UPDATE SET runs = t.runs + excluded.runs, failures = t.failures + excluded.failures
        )
        INSERT INTO execution_active_counts AS t (workspace_id, status, backend, n)
        SELECT workspace_id, status, pg_backend_pid(), n FROM (
          SELECT workspace_id, status, sum(sign)::int AS n FROM deltas WHERE status IN ('running', 'waiting', 'held') GROUP BY 1, 2
        ) g
         WHERE g.n <> 0
         ORDER BY 1, 2
        ON CONFLICT (workspace_id, status, backend) DO UPDATE SET n = t.n + excluded.n;
        RETURN NULL;
      END $$;

      CREATE FUNCTION parley_execution_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM execution_hourly_counts;
        DELETE FROM execution_active_counts;
        RETURN NULL;
      END $$;

      CREATE FUNCTION parley_execution_counts_recount() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE executions IN SHARE MODE;
        DELETE FROM execution_hourly_counts;
        DELETE FROM execution_active_counts;
        INSERT INTO execution_hourly_counts (workspace_id, hour, flow_id, backend, runs, failures)
        SELECT workspace_id, date_trunc('hour', started_at, 'UTC'), flow_id, 0, count(*), count(*) FILTER (WHERE status = 'failed')
          FROM executions WHERE NOT test_mode GROUP BY 1, 2, 3;
        INSERT INTO execution_active_counts (workspace_id, status, backend, n)
        SELECT workspace_id, status, 0, count(*) FROM executions WHERE status IN ('running', 'waiting', 'held') GROUP BY 1, 2;
      END $$;

      CREATE TRIGGER executions_counts_insert AFTER INSERT ON executions
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_execution_counts_inserted();
      CREATE TRIGGER executions_counts_update AFTER UPDATE ON executions
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_execution_counts_updated();
      CREATE TRIGGER executions_counts_delete AFTER DELETE ON executions
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_execution_counts_deleted();
      CREATE TRIGGER executions_counts_truncate AFTER TRUNCATE ON executions
        FOR EACH STATEMENT EXECUTE FUNCTION parley_execution_counts_truncated();

      SELECT parley_execution_counts_recount();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER executions_counts_insert ON executions;
      DROP TRIGGER executions_counts_update ON executions;
      DROP TRIGGER executions_counts_delete ON executions;
      DROP TRIGGER executions_counts_truncate ON executions;
      DROP FUNCTION parley_execution_counts_inserted(), parley_execution_counts_updated(), parley_execution_counts_deleted(),
                    parley_execution_counts_truncated(), parley_execution_counts_recount();
      DROP TABLE execution_hourly_counts, execution_active_counts;
    `);
  }
}
