import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service figures as duration histograms (docs/REPORTS.md "Service"):
 * medians and p90 over a 90-day range at 10 M messages took seconds when read
 * from the raw service events (a sort per figure); summing a few thousand
 * histogram rows does not. Each row counts the events of one kind, number and
 * agent whose duration (calendar `c` or business hours `b`) falls in a bucket
 * 1/16 of an octave wide, with the durations' sum so a bucket reports the mean
 * of its own values (exact when they are equal). `h` counts the cycles an
 * agent handled, at the agent's first reply of the cycle (`first_reply`).
 * Kept per UTC hour and per UTC day (`grain`), so a long range reads days and
 * only its ragged ends read hours. Statement triggers with transition tables
 * keep them equal to report_service_events in the same statement (one
 * aggregated upsert per statement, never per row), so the rollup rounds and a
 * rebuild need no code of their own for them.
 */
export class ReportServiceHistograms1765274000000 implements MigrationInterface {
  name = 'ReportServiceHistograms1765274000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE report_service_events ADD COLUMN first_reply boolean NOT NULL DEFAULT false;
      UPDATE report_service_events e SET first_reply = true
        FROM (SELECT ctid AS t, row_number() OVER (PARTITION BY conversation_id, cycle, user_id ORDER BY at) AS n
                FROM report_service_events WHERE kind = 'reply') f
       WHERE e.ctid = f.t AND f.n = 1;

      -- Bucket 0: under 1 s; bucket b >= 1: [2^((b-1)/16), 2^(b/16)) seconds.
      CREATE FUNCTION report_duration_bucket(s double precision) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN s < 1 THEN 0 ELSE (floor(16 * ln(s) / ln(2)) + 1)::smallint END
      $$;

      CREATE TABLE report_service_hist (
        workspace_id uuid NOT NULL,
        grain char(1) NOT NULL CHECK (grain IN ('h', 'd')),
        start timestamptz NOT NULL,
        kind text NOT NULL,
        number_id uuid,
        user_id uuid,
        basis char(1) NOT NULL CHECK (basis IN ('c', 'b', 'h')),
        bucket smallint NOT NULL,
        count integer NOT NULL,
        total double precision NOT NULL,
        CONSTRAINT report_service_hist_key UNIQUE NULLS NOT DISTINCT (workspace_id, grain, start, kind, number_id, user_id, basis, bucket)
      );

      ${histUpsert('report_service_events', 1, 'INSERT INTO report_service_hist')};

      -- A rebuild replaces a workspace's events wholesale and adds its histograms up once at the end (set-based), so it turns these off for its own transaction.
      CREATE FUNCTION parley_report_service_hist_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('parley.report_hist_deferred', true) = 'on' THEN
          RETURN NULL;
        END IF;
        ${histUpsert('new_rows', 1, 'INSERT INTO report_service_hist')};
        RETURN NULL;
      END $$;

      -- Rows reaching zero are removed, found by the upsert's own ctids (no scan of the workspace's rows).
      CREATE FUNCTION parley_report_service_hist_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE zeros tid[];
      BEGIN
        IF current_setting('parley.report_hist_deferred', true) = 'on' THEN
          RETURN NULL;
        END IF;
        WITH up AS (${histUpsert('old_rows', -1, 'INSERT INTO report_service_hist')} RETURNING ctid AS t, count)
        SELECT array_agg(t) FILTER (WHERE count = 0) INTO zeros FROM up;
        IF zeros IS NOT NULL THEN
          DELETE FROM report_service_hist WHERE ctid = ANY (zeros);
        END IF;
        RETURN NULL;
      END $$;

      CREATE TRIGGER report_service_hist_added AFTER INSERT ON report_service_events
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_service_hist_added();
      CREATE TRIGGER report_service_hist_removed AFTER DELETE ON report_service_events
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_service_hist_removed();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER report_service_hist_added ON report_service_events;
      DROP TRIGGER report_service_hist_removed ON report_service_events;
      DROP FUNCTION parley_report_service_hist_added();
      DROP FUNCTION parley_report_service_hist_removed();
      DROP TABLE report_service_hist;
      DROP FUNCTION report_duration_bucket(double precision);
      ALTER TABLE report_service_events DROP COLUMN first_reply;
    `);
  }
}

/** Adds (sign 1) or subtracts (-1) the service events of `source` to the histograms, per hour and per day. */
function histUpsert(source: string, sign: 1 | -1, insert: string): string {
  return `${insert} (workspace_id, grain, start, kind, number_id, user_id, basis, bucket, count, total)
    SELECT v.workspace_id, p.grain, p.start, v.kind, v.number_id, v.user_id, v.basis, v.bucket, ${sign} * count(*), ${sign} * sum(v.value)
      FROM (
        SELECT workspace_id, kind, number_id, user_id, at, 'c' AS basis, report_duration_bucket(seconds) AS bucket, seconds AS value FROM ${source}
        UNION ALL
        SELECT workspace_id, kind, number_id, user_id, at, 'b', report_duration_bucket(business_seconds), business_seconds FROM ${source} WHERE kind <> 'opened'
        UNION ALL
        SELECT workspace_id, kind, number_id, user_id, at, 'h', 0, 0 FROM ${source} WHERE first_reply
      ) v
      CROSS JOIN LATERAL (VALUES ('h', date_trunc('hour', v.at, 'UTC')), ('d', date_trunc('day', v.at, 'UTC'))) p(grain, start)
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT ON CONSTRAINT report_service_hist_key
    DO UPDATE SET count = report_service_hist.count + EXCLUDED.count, total = report_service_hist.total + EXCLUDED.total`;
}
