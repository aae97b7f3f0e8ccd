import type { MigrationInterface, QueryRunner } from 'typeorm';

/** report_hours' dimensions after its time column, in its column order (report_days repeats them). */
const DIMENSIONS = 'metric, number_id, flow_id, flow_version_id, node_id, template, category, country, status, error_code';
/** The dimensions report_tag_hours keeps (the others are '' in its daily rows). */
const TAG_DIMENSIONS = 'metric, number_id, flow_id, flow_version_id, node_id, status';
const KEY = `workspace_id, tag, day, ${DIMENSIONS}`;

/**
 * Daily rows per contact tag (docs/REPORTS.md "Tag filter"): with tag= the
 * funnel and messaging reports summed report_tag_hours hour by hour, ~35 rows
 * an hour per tag (every flow, step and status), ~75,000 for a 90-day range:
 * the shape that took seconds for report_hours before report_days. report_days
 * now holds, beside the rows for everyone (`tag` ''), the same counts per tag,
 * kept from report_tag_hours by statement triggers the way report_hours keeps
 * its own (insert, update, delete with transition tables; rows reaching zero
 * removed), so a range reads its whole days from them and only its ragged ends
 * from the hourly rows. The tag is part of report_days' key, so the triggers on
 * report_hours are redefined with the new conflict target (same work).
 */
export class ReportTagDays1765280000001 implements MigrationInterface {
  name = 'ReportTagDays1765280000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE report_days ADD COLUMN tag text NOT NULL DEFAULT '';
      DROP INDEX report_days_key;
      CREATE UNIQUE INDEX report_days_key ON report_days (${KEY}) NULLS NOT DISTINCT;

      CREATE OR REPLACE FUNCTION parley_report_hours_added() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(everyone('SELECT *, 1 AS sign FROM new_rows'))}
      $$;
      CREATE OR REPLACE FUNCTION parley_report_hours_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(everyone('SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows'))}
      $$;
      CREATE OR REPLACE FUNCTION parley_report_hours_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(everyone('SELECT *, -1 AS sign FROM old_rows'))}
      $$;

      INSERT INTO report_days (workspace_id, tag, day, ${TAG_DIMENSIONS}, count, seconds)
      SELECT workspace_id, tag, date_trunc('day', hour, 'UTC'), ${TAG_DIMENSIONS}, sum(count), sum(seconds) FROM report_tag_hours
       GROUP BY workspace_id, tag, date_trunc('day', hour, 'UTC'), ${TAG_DIMENSIONS} HAVING sum(count) <> 0;

      CREATE FUNCTION parley_report_tag_hours_added() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(perTag('SELECT *, 1 AS sign FROM new_rows'))}
      $$;
      CREATE FUNCTION parley_report_tag_hours_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(perTag('SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows'))}
      $$;
      CREATE FUNCTION parley_report_tag_hours_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(perTag('SELECT *, -1 AS sign FROM old_rows'))}
      $$;
      CREATE TRIGGER report_tag_hours_added AFTER INSERT ON report_tag_hours
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_tag_hours_added();
      CREATE TRIGGER report_tag_hours_changed AFTER UPDATE ON report_tag_hours
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_tag_hours_changed();
      CREATE TRIGGER report_tag_hours_removed AFTER DELETE ON report_tag_hours
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_tag_hours_removed();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER report_tag_hours_added ON report_tag_hours;
      DROP TRIGGER report_tag_hours_changed ON report_tag_hours;
      DROP TRIGGER report_tag_hours_removed ON report_tag_hours;
      DROP FUNCTION parley_report_tag_hours_added(), parley_report_tag_hours_changed(), parley_report_tag_hours_removed();
      DELETE FROM report_days WHERE tag <> '';
      DROP INDEX report_days_key;
      ALTER TABLE report_days DROP COLUMN tag;
      CREATE UNIQUE INDEX report_days_key ON report_days (workspace_id, day, ${DIMENSIONS}) NULLS NOT DISTINCT;
      CREATE OR REPLACE FUNCTION parley_report_hours_added() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(everyone('SELECT *, 1 AS sign FROM new_rows', false))}
      $$;
      CREATE OR REPLACE FUNCTION parley_report_hours_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(everyone('SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows', false))}
      $$;
      CREATE OR REPLACE FUNCTION parley_report_hours_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(everyone('SELECT *, -1 AS sign FROM old_rows', false))}
      $$;
    `);
  }
}

/** A trigger body that does nothing while a rebuild defers the coarser levels (parley.report_hist_deferred). */
function guarded(body: string): string {
  return `
    DECLARE zeros tid[];
    BEGIN
      IF current_setting('parley.report_hist_deferred', true) = 'on' THEN
        RETURN NULL;
      END IF;
      ${body}
      RETURN NULL;
    END;`;
}

/**
 * What migration 1765276000000 does for report_hours' signed rows: report_days
 * (the rows for everyone: `tag` '', in the key now unless `tagged` is false,
 * for down) and report_traffic_hours, rows reaching zero removed by their ctids.
 */
function everyone(source: string, tagged = true): string {
  const key = tagged ? KEY : `workspace_id, day, ${DIMENSIONS}`;
  return `
      WITH up AS (
        INSERT INTO report_days (workspace_id, day, ${DIMENSIONS}, count, seconds)
        SELECT workspace_id, date_trunc('day', hour, 'UTC'), ${DIMENSIONS}, sum(sign * count), sum(sign * seconds) FROM (${source}) s
         GROUP BY workspace_id, date_trunc('day', hour, 'UTC'), ${DIMENSIONS}
        ON CONFLICT (${key})
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
      END IF;`;
}

/** report_tag_hours' signed rows added to the per-tag daily rows of report_days. */
function perTag(source: string): string {
  return `
      WITH up AS (
        INSERT INTO report_days (workspace_id, tag, day, ${TAG_DIMENSIONS}, count, seconds)
        SELECT workspace_id, tag, date_trunc('day', hour, 'UTC'), ${TAG_DIMENSIONS}, sum(sign * count), sum(sign * seconds) FROM (${source}) s
         GROUP BY workspace_id, tag, date_trunc('day', hour, 'UTC'), ${TAG_DIMENSIONS}
        ON CONFLICT (${KEY})
        DO UPDATE SET count = report_days.count + excluded.count, seconds = report_days.seconds + excluded.seconds
        RETURNING ctid AS t, count
      ) SELECT array_agg(t) FILTER (WHERE count = 0) INTO zeros FROM up;
      IF zeros IS NOT NULL THEN
        DELETE FROM report_days WHERE ctid = ANY (zeros);
      END IF;`;
}
