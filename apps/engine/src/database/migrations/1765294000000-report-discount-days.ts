import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A daily level for discount requests → orders (docs/REPORTS.md "Discount
 * requests → orders"). The figure counts distinct customers, which hourly or
 * daily counts cannot add up; reading every request of both periods took
 * 0.39–0.67 s p99 at 6 M messages (docs/BENCHMARKS.md). Counted instead at
 * each customer's first request in the range: a request is its customer's
 * first in [from, to) exactly when the customer's previous request is before
 * `from` (or there is none). So each request keeps its previous one's time:
 *
 * - prev_at: the customer's previous request (order: at, message_id);
 *   prev_number_at: the previous one on the same number (the number filter);
 * - prev_converted_at, prev_number_converted_at: for a request that converted,
 *   the customer's previous request that converted (for "converted");
 * - tags: the customer's tags when the chain was computed, the same on every
 *   request of a customer (a change recomputes the customer's whole chain).
 *
 * report_discount_days counts requests per UTC day, number (NULL: every
 * number), tag ('' everyone) and the UTC day of that previous request
 * (prev_day, NULL: none), for 'request' and 'converted'. A 90-day range reads
 * its whole days from it (prev_day before the day of `from`: the customer's
 * first request in the range) and only the ragged ends, at most a day each,
 * from the requests. Statement triggers on report_discount_facts keep it equal
 * to the facts (as report_days follows report_hours); the round recomputes the
 * chains of the customers whose requests or orders it took
 * (parley_report_discount_chains), the rebuild recomputes every chain when it
 * finishes and refills the level at once (parley_report_discount_days_refill).
 * Filled here from the facts as they are.
 */
export class ReportDiscountDays1765294000000 implements MigrationInterface {
  name = 'ReportDiscountDays1765294000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE report_discount_facts
        ADD COLUMN prev_at timestamptz,
        ADD COLUMN prev_number_at timestamptz,
        ADD COLUMN prev_converted_at timestamptz,
        ADD COLUMN prev_number_converted_at timestamptz,
        ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
      -- The next request of a customer after a given one (the range's edge) is one index step.
      DROP INDEX report_discount_facts_contact;
      CREATE INDEX report_discount_facts_contact ON report_discount_facts (contact_id, at, message_id);

      CREATE TABLE report_discount_days (
        workspace_id uuid NOT NULL,
        number_id uuid,
        tag text NOT NULL,
        metric text NOT NULL,
        day timestamptz NOT NULL,
        prev_day timestamptz,
        count bigint NOT NULL
      );
      CREATE UNIQUE INDEX report_discount_days_key ON report_discount_days (workspace_id, number_id, tag, metric, day, prev_day) NULLS NOT DISTINCT;

      -- The chains of the requests in scope (a workspace, or some customers of it): the previous request's time per customer
      -- and per customer and number, the same for the requests that converted, and the customer's tags now. Only the rows
      -- whose values change are written.
      CREATE FUNCTION parley_report_discount_chains(ws uuid, customers uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        -- Two statements, so each is planned for its scope (a round's customers through their index).
        IF customers IS NULL THEN
          ${chains('x.workspace_id = ws', 'ct.workspace_id = ws')};
        ELSE
          ${chains('x.contact_id = ANY (customers)', 'ct.contact_id = ANY (customers)')};
        END IF;
      END $$;

      CREATE FUNCTION parley_report_discount_days_refill(ws uuid) RETURNS void LANGUAGE sql AS $$
        DELETE FROM report_discount_days WHERE workspace_id = ws;
        INSERT INTO report_discount_days (workspace_id, number_id, tag, metric, day, prev_day, count)
        ${levelRows('(SELECT *, 1 AS sign FROM report_discount_facts WHERE workspace_id = ws)')}
        HAVING sum(sign) <> 0;
      $$;

      CREATE FUNCTION parley_report_discount_facts_added() RETURNS trigger LANGUAGE plpgsql AS $$
      ${addToLevel('(SELECT *, 1 AS sign FROM new_rows)')}
      $$;
      CREATE FUNCTION parley_report_discount_facts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      ${addToLevel('(SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows)')}
      $$;
      CREATE FUNCTION parley_report_discount_facts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      ${addToLevel('(SELECT *, -1 AS sign FROM old_rows)')}
      $$;

      -- The facts as they are: their chains, then the level from them (before the triggers, which would add them again).
      SELECT parley_report_discount_chains(id, NULL) FROM workspaces;
      SELECT parley_report_discount_days_refill(id) FROM workspaces;

      CREATE TRIGGER report_discount_facts_added AFTER INSERT ON report_discount_facts
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_discount_facts_added();
      CREATE TRIGGER report_discount_facts_updated AFTER UPDATE ON report_discount_facts
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_discount_facts_updated();
      CREATE TRIGGER report_discount_facts_removed AFTER DELETE ON report_discount_facts
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_discount_facts_removed();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER report_discount_facts_added ON report_discount_facts;
      DROP TRIGGER report_discount_facts_updated ON report_discount_facts;
      DROP TRIGGER report_discount_facts_removed ON report_discount_facts;
      DROP FUNCTION parley_report_discount_facts_added(), parley_report_discount_facts_updated(), parley_report_discount_facts_removed(),
        parley_report_discount_days_refill(uuid), parley_report_discount_chains(uuid, uuid[]);
      DROP TABLE report_discount_days;
      DROP INDEX report_discount_facts_contact;
      CREATE INDEX report_discount_facts_contact ON report_discount_facts (contact_id, at);
      ALTER TABLE report_discount_facts DROP COLUMN prev_at, DROP COLUMN prev_number_at, DROP COLUMN prev_converted_at,
        DROP COLUMN prev_number_converted_at, DROP COLUMN tags;
    `);
  }
}

/**
 * Recomputes the chains of the requests matching `scope` (alias x; the tags of
 * the customers matching `tagScope`, alias ct): the previous request's time per
 * customer and per customer and number, the same among the requests that
 * converted, and the customer's tags now. Only rows whose values change are
 * written (the level's trigger moves only those).
 */
function chains(scope: string, tagScope: string): string {
  return `UPDATE report_discount_facts f
           SET prev_at = c.prev_at, prev_number_at = c.prev_number_at, prev_converted_at = c.prev_converted_at,
               prev_number_converted_at = c.prev_number_converted_at, tags = c.tags
          FROM (
            SELECT x.message_id,
                   lag(x.at) OVER (PARTITION BY x.contact_id ORDER BY x.at, x.message_id) AS prev_at,
                   lag(x.at) OVER (PARTITION BY x.contact_id, x.number_id ORDER BY x.at, x.message_id) AS prev_number_at,
                   CASE WHEN x.converted_at IS NOT NULL THEN max(x.at) FILTER (WHERE x.converted_at IS NOT NULL)
                     OVER (PARTITION BY x.contact_id ORDER BY x.at, x.message_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END
                     AS prev_converted_at,
                   CASE WHEN x.converted_at IS NOT NULL THEN max(x.at) FILTER (WHERE x.converted_at IS NOT NULL)
                     OVER (PARTITION BY x.contact_id, x.number_id ORDER BY x.at, x.message_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END
                     AS prev_number_converted_at,
                   coalesce(t.tags, '{}') AS tags
              FROM report_discount_facts x
              LEFT JOIN (SELECT ct.contact_id, array_agg(ct.tag ORDER BY ct.tag) AS tags FROM contact_tags ct
                          WHERE ${tagScope} GROUP BY ct.contact_id) t ON t.contact_id = x.contact_id
             WHERE x.workspace_id = ws AND ${scope}
          ) c
         WHERE f.message_id = c.message_id
           AND (f.prev_at, f.prev_number_at, f.prev_converted_at, f.prev_number_converted_at, f.tags)
               IS DISTINCT FROM (c.prev_at, c.prev_number_at, c.prev_converted_at, c.prev_number_converted_at, c.tags)`;
}

/**
 * The level's rows of `source` (requests with a `sign` column), summed per key:
 * per every number and the request's own number, everyone and each of its
 * tags, one 'request' row at the day of its previous request by the key's
 * chain, and for a request that converted one 'converted' row at the day of
 * its previous converted request.
 */
function levelRows(source: string): string {
  return `SELECT f.workspace_id, k.number_id, t.tag, m.metric, date_trunc('day', f.at, 'UTC'), date_trunc('day', m.prev, 'UTC'), sum(f.sign)
          FROM ${source} f
         CROSS JOIN LATERAL (SELECT '' UNION ALL SELECT unnest(f.tags)) t(tag)
         CROSS JOIN LATERAL (VALUES (NULL::uuid, f.prev_at, f.prev_converted_at, true),
                                    (f.number_id, f.prev_number_at, f.prev_number_converted_at, f.number_id IS NOT NULL))
                            k(number_id, prev, prev_converted, applies)
         CROSS JOIN LATERAL (VALUES ('request', k.prev, true), ('converted', k.prev_converted, f.converted_at IS NOT NULL))
                            m(metric, prev, applies)
         WHERE k.applies AND m.applies
         GROUP BY 1, 2, 3, 4, 5, 6`;
}

/**
 * A trigger function's body: adds the signed level rows of `source` to
 * report_discount_days; rows reaching zero are removed, found by the upsert's
 * own ctids. Off while a rebuild's finish refills the level at once.
 */
function addToLevel(source: string): string {
  return `
      DECLARE zeros tid[];
      BEGIN
        IF current_setting('parley.report_discount_deferred', true) = 'on' THEN
          RETURN NULL;
        END IF;
        WITH up AS (
          INSERT INTO report_discount_days (workspace_id, number_id, tag, metric, day, prev_day, count)
          ${levelRows(source)}
          ON CONFLICT (workspace_id, number_id, tag, metric, day, prev_day)
          DO UPDATE SET count = report_discount_days.count + excluded.count
          RETURNING ctid AS t, count
        ) SELECT array_agg(t) FILTER (WHERE count = 0) INTO zeros FROM up;
        IF zeros IS NOT NULL THEN
          DELETE FROM report_discount_days WHERE ctid = ANY (zeros);
        END IF;
        RETURN NULL;
      END;`;
}
