import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A round's discount chains from each customer's first changed request, not
 * from their first request ever (docs/REPORTS.md "Discount requests →
 * orders"). parley_report_discount_chains recomputes a customer's whole chain
 * (window functions over every request of theirs), so a round cost what the
 * touched customers had ever asked: at 10 M messages, ingest at 2,000/s fell
 * behind once customers had hundreds of requests (docs/BENCHMARKS.md, "Issue
 * 11 and issue 15 at 10 M on a quiet machine"), the chains' statement in 55 of
 * 90 samples of the database's activity.
 *
 * A request's chain values depend only on the requests before it, so the
 * requests from `since` on are recomputed, over themselves and their
 * predecessors before `since`, each one index step back: the customer's last
 * request, the last per number the changed requests use, and, only where a
 * changed request converted, the last converted request overall and per
 * number. Every request of a customer carries the same tags, so when the
 * customer's tags are not those of their last request before `since`, all of
 * their requests are recomputed (what the whole-chain function did on every
 * round). `since` NULL: none of their requests changed (an order that moved
 * no conversion): only a change of tags recomputes them. The whole-chain
 * function stays for the rebuild's finish and the migration of 1765294000000.
 */
export class ReportDiscountChainsFrom1765295000000 implements MigrationInterface {
  name = 'ReportDiscountChainsFrom1765295000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION parley_report_discount_chains_from(ws uuid, customers uuid[], since timestamptz[]) RETURNS void LANGUAGE sql AS $$
        WITH scope AS (
          SELECT s.contact_id, s.since, coalesce(t.tags, '{}') AS tags, last.tags AS last_tags, last.at AS last_at
            FROM unnest(customers, since) AS s(contact_id, since)
            LEFT JOIN LATERAL (SELECT array_agg(ct.tag ORDER BY ct.tag) AS tags FROM contact_tags ct WHERE ct.contact_id = s.contact_id) t ON true
            LEFT JOIN LATERAL (SELECT x.tags, x.at FROM report_discount_facts x
                                WHERE x.contact_id = s.contact_id AND x.workspace_id = ws AND x.at < coalesce(s.since, 'infinity')
                                ORDER BY x.at DESC, x.message_id DESC LIMIT 1) last ON true
        ),
        bounded AS (
          SELECT contact_id, tags,
                 CASE WHEN last_at IS NOT NULL AND last_tags IS DISTINCT FROM tags THEN '-infinity'::timestamptz ELSE since END AS since
            FROM scope
        ),
        tail AS (
          SELECT x.message_id, x.contact_id, x.number_id, x.at, x.converted_at
            FROM bounded b JOIN report_discount_facts x ON x.contact_id = b.contact_id AND x.at >= b.since
           WHERE x.workspace_id = ws
        ),
        seeds AS (
          SELECT p.message_id FROM bounded b
           CROSS JOIN LATERAL (SELECT x.message_id FROM report_discount_facts x
                                WHERE x.contact_id = b.contact_id AND x.workspace_id = ws AND x.at < b.since
                                ORDER BY x.at DESC, x.message_id DESC LIMIT 1) p
          UNION
          SELECT p.message_id FROM (SELECT DISTINCT contact_id, number_id FROM tail) n JOIN bounded b USING (contact_id)
           CROSS JOIN LATERAL (SELECT x.message_id FROM report_discount_facts x
                                WHERE x.contact_id = n.contact_id AND x.workspace_id = ws AND x.at < b.since
                                  AND x.number_id IS NOT DISTINCT FROM n.number_id
                                ORDER BY x.at DESC, x.message_id DESC LIMIT 1) p
          UNION
          SELECT p.message_id FROM (SELECT DISTINCT contact_id FROM tail WHERE converted_at IS NOT NULL) n JOIN bounded b USING (contact_id)
           CROSS JOIN LATERAL (SELECT x.message_id FROM report_discount_facts x
                                WHERE x.contact_id = n.contact_id AND x.workspace_id = ws AND x.at < b.since AND x.converted_at IS NOT NULL
                                ORDER BY x.at DESC, x.message_id DESC LIMIT 1) p
          UNION
          SELECT p.message_id FROM (SELECT DISTINCT contact_id, number_id FROM tail WHERE converted_at IS NOT NULL) n
           JOIN bounded b USING (contact_id)
           CROSS JOIN LATERAL (SELECT x.message_id FROM report_discount_facts x
                                WHERE x.contact_id = n.contact_id AND x.workspace_id = ws AND x.at < b.since AND x.converted_at IS NOT NULL
                                  AND x.number_id IS NOT DISTINCT FROM n.number_id
                                ORDER BY x.at DESC, x.message_id DESC LIMIT 1) p
        ),
        input AS (
          SELECT t.*, true AS changed FROM tail t
          UNION ALL
          SELECT x.message_id, x.contact_id, x.number_id, x.at, x.converted_at, false
            FROM report_discount_facts x WHERE x.message_id IN (SELECT message_id FROM seeds)
        ),
        computed AS (
          SELECT i.message_id, i.changed, b.tags,
                 lag(i.at) OVER (PARTITION BY i.contact_id ORDER BY i.at, i.message_id) AS prev_at,
                 lag(i.at) OVER (PARTITION BY i.contact_id, i.number_id ORDER BY i.at, i.message_id) AS prev_number_at,
                 CASE WHEN i.converted_at IS NOT NULL THEN max(i.at) FILTER (WHERE i.converted_at IS NOT NULL)
                   OVER (PARTITION BY i.contact_id ORDER BY i.at, i.message_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END
                   AS prev_converted_at,
                 CASE WHEN i.converted_at IS NOT NULL THEN max(i.at) FILTER (WHERE i.converted_at IS NOT NULL)
                   OVER (PARTITION BY i.contact_id, i.number_id ORDER BY i.at, i.message_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END
                   AS prev_number_converted_at
            FROM input i JOIN bounded b USING (contact_id)
        )
        UPDATE report_discount_facts f
           SET prev_at = c.prev_at, prev_number_at = c.prev_number_at, prev_converted_at = c.prev_converted_at,
               prev_number_converted_at = c.prev_number_converted_at, tags = c.tags
          FROM computed c
         WHERE f.message_id = c.message_id AND c.changed
           AND (f.prev_at, f.prev_number_at, f.prev_converted_at, f.prev_number_converted_at, f.tags)
               IS DISTINCT FROM (c.prev_at, c.prev_number_at, c.prev_converted_at, c.prev_number_converted_at, c.tags);
      $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION parley_report_discount_chains_from(uuid, uuid[], timestamptz[])');
  }
}
