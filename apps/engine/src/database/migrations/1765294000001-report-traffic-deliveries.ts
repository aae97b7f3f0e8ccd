import type { MigrationInterface, QueryRunner } from 'typeorm';

/** report_hours' dimensions after its time column, in its column order (report_days repeats them). */
const DIMENSIONS = 'metric, number_id, flow_id, flow_version_id, node_id, template, category, country, status, error_code';
const KEY = `workspace_id, tag, day, ${DIMENSIONS}`;
/** report_traffic_hours' counts, and what each adds up from report_hours' signed rows (alias s). */
const COUNTS: readonly (readonly [string, string])[] = [
  ['inbound', "s.metric = 'in'"],
  ['outbound', "s.metric = 'out'"],
  ['sent', "s.metric = 'out' AND s.status <> 'failed'"],
  ['delivered', "s.metric = 'out' AND s.status IN ('delivered', 'read')"],
  ['read', "s.metric = 'out' AND s.status = 'read'"],
  ['converted', "s.metric = 'conversion'"],
];
const BEFORE = ['inbound', 'outbound'];

/**
 * The per-day read rate (messaging) and conversions (funnel) in the
 * workspace's zone (docs/REPORTS.md "Per day"). A local day is not a UTC day,
 * so they are added up from hours; report_hours has ~50 rows an hour at
 * 10 M messages (every flow, step, template, country and status: 110,685 rows, 1.85 s for a
 * 90-day range, docs/BENCHMARKS.md fifth pass), report_traffic_hours a few. It
 * now also counts, per hour, number and flow, the messages sent (not failed),
 * delivered, read and the conversions, kept by the same statement triggers on
 * report_hours (redefined here with the new columns; the daily level's part is
 * unchanged) and filled here from report_hours.
 */
export class ReportTrafficDeliveries1765294000001 implements MigrationInterface {
  name = 'ReportTrafficDeliveries1765294000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE report_traffic_hours ADD COLUMN sent bigint NOT NULL DEFAULT 0, ADD COLUMN delivered bigint NOT NULL DEFAULT 0,
        ADD COLUMN read bigint NOT NULL DEFAULT 0, ADD COLUMN converted bigint NOT NULL DEFAULT 0;
      ${functions(COUNTS)}
      DELETE FROM report_traffic_hours;
      INSERT INTO report_traffic_hours (workspace_id, hour, number_id, flow_id, ${COUNTS.map(([c]) => c).join(', ')})
      SELECT s.workspace_id, s.hour, s.number_id, s.flow_id, ${COUNTS.map(([, w]) => `coalesce(sum(s.count) FILTER (WHERE ${w}), 0)`).join(', ')}
        FROM report_hours s WHERE s.metric IN ('in', 'out', 'conversion')
       GROUP BY 1, 2, 3, 4 HAVING ${COUNTS.map(([, w]) => `coalesce(sum(s.count) FILTER (WHERE ${w}), 0) <> 0`).join(' OR ')};
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const before = COUNTS.filter(([c]) => BEFORE.includes(c));
    await queryRunner.query(`
      ${functions(before)}
      DELETE FROM report_traffic_hours WHERE inbound = 0 AND outbound = 0;
      ALTER TABLE report_traffic_hours DROP COLUMN sent, DROP COLUMN delivered, DROP COLUMN read, DROP COLUMN converted;
    `);
  }
}

/** The three trigger functions of report_hours (as migration 1765280000001 has them), with report_traffic_hours' `counts`. */
function functions(counts: readonly (readonly [string, string])[]): string {
  return `
      CREATE OR REPLACE FUNCTION parley_report_hours_added() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(everyone('SELECT *, 1 AS sign FROM new_rows', counts))}
      $$;
      CREATE OR REPLACE FUNCTION parley_report_hours_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(everyone('SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 FROM old_rows', counts))}
      $$;
      CREATE OR REPLACE FUNCTION parley_report_hours_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      ${guarded(everyone('SELECT *, -1 AS sign FROM old_rows', counts))}
      $$;`;
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
 * report_hours' signed rows added to report_days (the rows for everyone, tag
 * '') and report_traffic_hours, rows reaching zero removed by their ctids.
 */
function everyone(source: string, counts: readonly (readonly [string, string])[]): string {
  const names = counts.map(([c]) => c);
  return `
      WITH up AS (
        INSERT INTO report_days (workspace_id, day, ${DIMENSIONS}, count, seconds)
        SELECT workspace_id, date_trunc('day', hour, 'UTC'), ${DIMENSIONS}, sum(sign * count), sum(sign * seconds) FROM (${source}) s
         GROUP BY workspace_id, date_trunc('day', hour, 'UTC'), ${DIMENSIONS}
        ON CONFLICT (${KEY})
        DO UPDATE SET count = report_days.count + excluded.count, seconds = report_days.seconds + excluded.seconds
        RETURNING ctid AS t, count
      ) SELECT array_agg(t) FILTER (WHERE count = 0) INTO zeros FROM up;
      IF zeros IS NOT NULL THEN
        DELETE FROM report_days WHERE ctid = ANY (zeros);
      END IF;
      WITH up AS (
        INSERT INTO report_traffic_hours (workspace_id, hour, number_id, flow_id, ${names.join(', ')})
        SELECT s.workspace_id, s.hour, s.number_id, s.flow_id, ${counts.map(([, w]) => `coalesce(sum(s.sign * s.count) FILTER (WHERE ${w}), 0)`).join(', ')}
          FROM (${source}) s WHERE s.metric IN (${names.includes('converted') ? "'in', 'out', 'conversion'" : "'in', 'out'"})
         GROUP BY 1, 2, 3, 4
        ON CONFLICT (workspace_id, hour, number_id, flow_id)
        DO UPDATE SET ${names.map((c) => `${c} = report_traffic_hours.${c} + excluded.${c}`).join(', ')}
        RETURNING ctid AS t, ${names.join(', ')}
      ) SELECT array_agg(t) FILTER (WHERE ${names.map((c) => `${c} = 0`).join(' AND ')}) INTO zeros FROM up;
      IF zeros IS NOT NULL THEN
        DELETE FROM report_traffic_hours WHERE ctid = ANY (zeros);
      END IF;`;
}
