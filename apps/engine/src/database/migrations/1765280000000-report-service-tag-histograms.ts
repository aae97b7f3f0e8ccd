import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service report with a tag filter from histograms too (docs/REPORTS.md
 * "Tag filter"). It read the raw service events and checked each one's
 * contact for the tag: at 10 M messages a 90-day range is ~7 M events, seconds
 * per figure. Now each service event keeps the tags its contact had when the
 * rollup computed it (`tags`, sorted; the other per-tag counts take tags the
 * same way), and report_service_hist holds, besides the rows for everyone
 * (`tag` ''), the same histograms per tag. Statement triggers add and take
 * away an event's tags' rows as the existing ones do for everyone, from the
 * tags stored on the event, so a delete takes away exactly what its insert
 * added whatever the contact's tags are by then. Existing events get their
 * contact's tags now (what the report used until now) and their histograms.
 */
export class ReportServiceTagHistograms1765280000000 implements MigrationInterface {
  name = 'ReportServiceTagHistograms1765280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE report_service_events ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
      UPDATE report_service_events e SET tags = t.tags
        FROM (SELECT k.id, array_agg(ct.tag ORDER BY ct.tag) AS tags
                FROM conversations k JOIN contact_tags ct ON ct.contact_id = k.contact_id GROUP BY k.id) t
       WHERE e.conversation_id = t.id;

      ALTER TABLE report_service_hist ADD COLUMN tag text NOT NULL DEFAULT '';
      -- The tag second: a report reads one tag ('' for everyone) of one workspace over a range of starts.
      ALTER TABLE report_service_hist DROP CONSTRAINT report_service_hist_key;
      ALTER TABLE report_service_hist ADD CONSTRAINT report_service_hist_key
        UNIQUE NULLS NOT DISTINCT (workspace_id, tag, grain, start, kind, number_id, user_id, basis, bucket);

      ${tagHistUpsert('report_service_events', 1)};

      CREATE FUNCTION parley_report_service_tag_hist_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('parley.report_hist_deferred', true) = 'on' THEN
          RETURN NULL;
        END IF;
        ${tagHistUpsert('new_rows', 1)};
        RETURN NULL;
      END $$;

      CREATE FUNCTION parley_report_service_tag_hist_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE zeros tid[];
      BEGIN
        IF current_setting('parley.report_hist_deferred', true) = 'on' THEN
          RETURN NULL;
        END IF;
        WITH up AS (${tagHistUpsert('old_rows', -1)} RETURNING ctid AS t, count)
        SELECT array_agg(t) FILTER (WHERE count = 0) INTO zeros FROM up;
        IF zeros IS NOT NULL THEN
          DELETE FROM report_service_hist WHERE ctid = ANY (zeros);
        END IF;
        RETURN NULL;
      END $$;

      CREATE TRIGGER report_service_tag_hist_added AFTER INSERT ON report_service_events
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_service_tag_hist_added();
      CREATE TRIGGER report_service_tag_hist_removed AFTER DELETE ON report_service_events
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_service_tag_hist_removed();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER report_service_tag_hist_added ON report_service_events;
      DROP TRIGGER report_service_tag_hist_removed ON report_service_events;
      DROP FUNCTION parley_report_service_tag_hist_added();
      DROP FUNCTION parley_report_service_tag_hist_removed();
      DELETE FROM report_service_hist WHERE tag <> '';
      ALTER TABLE report_service_hist DROP CONSTRAINT report_service_hist_key;
      ALTER TABLE report_service_hist DROP COLUMN tag;
      ALTER TABLE report_service_hist ADD CONSTRAINT report_service_hist_key
        UNIQUE NULLS NOT DISTINCT (workspace_id, grain, start, kind, number_id, user_id, basis, bucket);
      ALTER TABLE report_service_events DROP COLUMN tags;
    `);
  }
}

/**
 * Adds (sign 1) or subtracts (-1) the service events of `source` to the
 * histograms of each of their tags, per hour and per day: the buckets and
 * bases of migration 1765274000000, once per tag of the event.
 */
function tagHistUpsert(source: string, sign: 1 | -1): string {
  return `INSERT INTO report_service_hist (workspace_id, tag, grain, start, kind, number_id, user_id, basis, bucket, count, total)
    SELECT v.workspace_id, v.tag, p.grain, p.start, v.kind, v.number_id, v.user_id, v.basis, v.bucket, ${sign} * count(*), ${sign} * sum(v.value)
      FROM (
        SELECT workspace_id, tag, kind, number_id, user_id, at, 'c' AS basis, report_duration_bucket(seconds) AS bucket, seconds AS value
          FROM ${source} CROSS JOIN LATERAL unnest(tags) AS tag
        UNION ALL
        SELECT workspace_id, tag, kind, number_id, user_id, at, 'b', report_duration_bucket(business_seconds), business_seconds
          FROM ${source} CROSS JOIN LATERAL unnest(tags) AS tag WHERE kind <> 'opened'
        UNION ALL
        SELECT workspace_id, tag, kind, number_id, user_id, at, 'h', 0, 0 FROM ${source} CROSS JOIN LATERAL unnest(tags) AS tag WHERE first_reply
      ) v
      CROSS JOIN LATERAL (VALUES ('h', date_trunc('hour', v.at, 'UTC')), ('d', date_trunc('day', v.at, 'UTC'))) p(grain, start)
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ON CONFLICT ON CONSTRAINT report_service_hist_key
    DO UPDATE SET count = report_service_hist.count + EXCLUDED.count, total = report_service_hist.total + EXCLUDED.total`;
}
