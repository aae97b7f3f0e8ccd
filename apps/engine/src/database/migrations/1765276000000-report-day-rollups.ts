import type { MigrationInterface, QueryRunner } from 'typeorm';

/** report_hours' dimensions after its time column, in its column order (report_days repeats them). */
const DIMENSIONS = 'metric, number_id, flow_id, flow_version_id, node_id, template, category, country, status, error_code';

/**
 * Coarser levels of report_hours (docs/REPORTS.md "How it stays fast"): at 1 M
 * messages a 90-day messaging, funnel or cost report summed ~160,000 hourly
 * rows (every number, flow, step, template, country and status of each hour)
 * and the traffic report grouped them twice by local hour; each was 0.7–1 s.
 *
 * - report_days: the same counts per UTC day, so a range reads its whole days
 *   from ~24× fewer rows and only its ragged ends from the hourly ones.
 * - report_traffic_hours: customer and sent messages per UTC hour, number and
 *   flow only, all traffic needs (the heat map is in the workspace's zone, so it
 *   stays hourly, but without the other dimensions an hour is a few rows).
 *
 * Statement triggers with transition tables on report_hours keep both equal to
 * it in the same statement (one aggregated upsert per statement; the rollup's
 * INSERT … ON CONFLICT DO UPDATE fires the insert trigger with the rows it
 * inserted and the update trigger with the rows it changed), rows reaching zero
 * removed. A rebuild turns them off for its transaction (parley.report_hist_deferred,
 * as for the service histograms) and adds them up once at its end.
 */
export class ReportDayRollups1765276000000 implements MigrationInterface {
  name = 'ReportDayRollups1765276000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE report_days (
        workspace_id uuid NOT NULL,
        day timestamptz NOT NULL,
        metric text NOT NULL,
        number_id uuid,
        flow_id uuid,
        flow_version_id uuid,
        node_id text NOT NULL DEFAULT '',
        template text NOT NULL DEFAULT '',
        category text NOT NULL DEFAULT '',
        country text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT '',
        error_code text NOT NULL DEFAULT '',
        count bigint NOT NULL,
        seconds double precision NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX report_days_key ON report_days (workspace_id, day, ${DIMENSIONS}) NULLS NOT DISTINCT;

      CREATE TABLE report_traffic_hours (
        workspace_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        number_id uuid,
        flow_id uuid,
        inbound bigint NOT NULL,
        outbound bigint NOT NULL
      );
      CREATE UNIQUE INDEX report_traffic_hours_key ON report_traffic_hours (workspace_id, hour, number_id, flow_id) NULLS NOT DISTINCT;

      INSERT INTO report_days (workspace_id, day, ${DIMENSIONS}, count, seconds)
      SELECT workspace_id, date_trunc('day', hour, 'UTC'), ${DIMENSIONS}, sum(count), sum(seconds) FROM report_hours
       GROUP BY workspace_id, date_trunc('day', hour, 'UTC'), ${DIMENSIONS} HAVING sum(count) <> 0;
      INSERT INTO report_traffic_hours (workspace_id, hour, number_id, flow_id, inbound, outbound)
      SELECT workspace_id, hour, number_id, flow_id, coalesce(sum(count) FILTER (WHERE metric = 'in'), 0), coalesce(sum(count) FILTER (WHERE metric = 'out'), 0)
        FROM report_hours WHERE metric IN ('in', 'out')
       GROUP BY 1, 2, 3, 4 HAVING sum(count) <> 0;

      CREATE FUNCTION parley_report_hours_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('parley.report_hist_deferred', true) = 'on' THEN
          RETURN NULL;
        END IF;
        ${coarser('SELECT *, 1 AS sign FROM new_rows')}
        RETURN NULL;
      END $$;
      CREATE FUNCTION parley_report_hours_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('parley.report_hist_deferred', true) = 'on' THEN
          RETURN NULL;
        END IF;
        ${coarser('SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows')}
        RETURN NULL;
      END $$;
      CREATE FUNCTION parley_report_hours_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('parley.report_hist_deferred', true) = 'on' THEN
          RETURN NULL;
        END IF;
        ${coarser('SELECT *, -1 AS sign FROM old_rows')}
        RETURN NULL;
      END $$;

      CREATE TRIGGER report_hours_added AFTER INSERT ON report_hours
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_hours_added();
      CREATE TRIGGER report_hours_changed AFTER UPDATE ON report_hours
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_hours_changed();
      CREATE TRIGGER report_hours_removed AFTER DELETE ON report_hours
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_hours_removed();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER report_hours_added ON report_hours;
      DROP TRIGGER report_hours_changed ON report_hours;
      DROP TRIGGER report_hours_removed ON report_hours;
      DROP FUNCTION parley_report_hours_added(), parley_report_hours_changed(), parley_report_hours_removed();
      DROP TABLE report_days, report_traffic_hours;
    `);
  }
}

/**
 * Adds the signed rows of `source` (report_hours rows with a `sign` column) to
 * report_days and report_traffic_hours; rows reaching zero are removed, found
 * by the upserts' own ctids (no scan of the workspace's rows).
 */
function coarser(source: string): string {
  return `
    DECLARE zeros tid[];
    BEGIN
      WITH up AS (
        INSERT INTO report_days (workspace_id, day, ${DIMENSIONS}, count, seconds)
        SELECT workspace_id, date_trunc('day', hour, 'UTC'), ${DIMENSIONS}, sum(sign * count), sum(sign * seconds) FROM (${source}) s
         GROUP BY workspace_id, date_trunc('day', hour, 'UTC'), ${DIMENSIONS}
        ON CONFLICT (workspace_id, day, ${DIMENSIONS})
        DO UPDATE SET count = report_days.count + excluded.count, seconds = report_days.seconds + excluded.seconds
        RETURNING ctid AS t, count
      ) SELECT array_agg(t) FILTER (WHERE count = 0) INTO zeros FROM up;
      IF zeros IS NOT NULL THEN
        DELETE FROM report_days WHERE ctid = ANY (zeros);
      END IF;
      WITH up AS (
        INSERT INTO report_traffic_hours (workspace_id, hour, number_id, flow_id, inbound, outbound)
        SELECT workspace_id, hour, number_id, flow_id, coalesce(sum(sign * count) FILTER (WHERE metric = 'in'), 0),
               coalesce(sum(sign * count) FILTER (WHERE metric = 'out'), 0)
          FROM (${source}) s WHERE metric IN ('in', 'out')
         GROUP BY 1, 2, 3, 4
        ON CONFLICT (workspace_id, hour, number_id, flow_id)
        DO UPDATE SET inbound = report_traffic_hours.inbound + excluded.inbound, outbound = report_traffic_hours.outbound + excluded.outbound
        RETURNING ctid AS t, inbound, outbound
      ) SELECT array_agg(t) FILTER (WHERE inbound = 0 AND outbound = 0) INTO zeros FROM up;
      IF zeros IS NOT NULL THEN
        DELETE FROM report_traffic_hours WHERE ctid = ANY (zeros);
      END IF;
    END;`;
}
