import type { MigrationInterface, QueryRunner } from 'typeorm';

const ENDED = "('succeeded', 'failed', 'cancelled')";

/** A message's reported values (what the rollups count it by): a change of any of them logs it out (-1) and in again (+1). */
const REPORTED = (m: string): string =>
  `(${m}.status, ${m}.status_at, ${m}.error_code, ${m}.occurred_at, ${m}.contact_id, ${m}.execution_id, ${m}.node_id, ${m}.category,
    ${m}.whatsapp_number_id, ${m}.text, ${m}.revoked_at, ${m}.type, ${m}.payload->'template'->>'name')`;

/** What the log holds of a message (alias m, with a `sign` column), as parley_report_log_message wrote it per row. */
const MESSAGE_LOG = `
  INSERT INTO report_changes (workspace_id, kind, sign, row_id, contact_id, at, direction, number_id, execution_id,
                              node_id, template, category, status, error_code, read_seconds, text)
  SELECT m.workspace_id, 'message', m.sign, m.id, m.contact_id, m.occurred_at, m.direction, m.whatsapp_number_id, m.execution_id,
         coalesce(m.node_id, ''), coalesce(CASE WHEN m.type = 'template' THEN m.payload->'template'->>'name' END, ''),
         coalesce(m.category, ''), coalesce(m.status, ''), coalesce(m.error_code, ''),
         CASE WHEN m.status = 'read' THEN coalesce(extract(epoch FROM m.status_at - m.occurred_at), 0) ELSE 0 END,
         CASE WHEN m.direction = 'inbound' AND m.revoked_at IS NULL THEN m.text END`;

/** A run that counts as ended (alias r): succeeded, failed or cancelled, and not a test. */
const RUN_ENDED = (r: string): string => `(NOT ${r}.test_mode AND ${r}.status IN ${ENDED})`;
/** A step's first visit that left by an output (alias s): a connection taken. */
const STEP_TAKEN = (s: string): string => `(${s}.visit = 0 AND ${s}.output_name IS NOT NULL)`;

/**
 * The report triggers on updates (a message's status, a run ending, a step's
 * output, an order moved) run once per statement, as the insert triggers have
 * since migration 1765274000002 (docs/REPORTS.md "How it stays fast"). A
 * trigger with transition tables may not name columns, so each fires on every
 * UPDATE of its table and picks the rows whose reported values changed by
 * joining the statement's old and new rows on id; it logs them (old -1, new +1)
 * with one INSERT … SELECT, exactly what the row triggers logged one row at a
 * time. A batch of 1,000 status updates costs a few statements instead of
 * 2,000 trigger calls; a one-row update costs about what the row trigger did.
 * Inserts of runs (ended), steps (taken) and orders, which the same row
 * triggers handled, get statement triggers of their own.
 */
export class ReportStatementUpdateTriggers1765276000001 implements MigrationInterface {
  name = 'ReportStatementUpdateTriggers1765276000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION parley_report_messages_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${MESSAGE_LOG}
          FROM (
            SELECT o.*, -1::smallint AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ${REPORTED('o')} IS DISTINCT FROM ${REPORTED('n')}
            UNION ALL
            SELECT n.*, 1::smallint FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ${REPORTED('o')} IS DISTINCT FROM ${REPORTED('n')}
          ) m;
        -- Service events read who wrote and when, in which conversation: each conversation once, at the earliest time touched.
        INSERT INTO report_changes (workspace_id, kind, conversation_id, at)
        SELECT n.workspace_id, 'conversation', c.id, min(least(o.occurred_at, n.occurred_at))
          FROM old_rows o JOIN new_rows n ON n.id = o.id
          CROSS JOIN LATERAL (VALUES (o.conversation_id), (n.conversation_id)) c(id)
         WHERE c.id IS NOT NULL
           AND (o.conversation_id, o.sent_by_user_id, o.occurred_at) IS DISTINCT FROM (n.conversation_id, n.sent_by_user_id, n.occurred_at)
         GROUP BY n.workspace_id, c.id;
        RETURN NULL;
      END $$;

      CREATE FUNCTION parley_report_runs_ended_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, kind, sign, row_id, execution_id, status, at)
        SELECT r.workspace_id, 'ended', 1, r.id, r.id, r.status, coalesce(r.finished_at, r.started_at) FROM new_rows r WHERE ${RUN_ENDED('r')};
        RETURN NULL;
      END $$;
      -- Unchanged: a run that ended before and after with the same status, time and test flag logs nothing.
      CREATE FUNCTION parley_report_runs_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, kind, sign, row_id, execution_id, status, at)
        SELECT r.workspace_id, 'ended', r.sign, r.id, r.id, r.status, coalesce(r.finished_at, r.started_at)
          FROM (
            SELECT o.*, -1::smallint AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE ${RUN_ENDED('o')} AND (o.status, o.finished_at, o.test_mode) IS DISTINCT FROM (n.status, n.finished_at, n.test_mode)
            UNION ALL
            SELECT n.*, 1::smallint FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE ${RUN_ENDED('n')}
               AND NOT (${RUN_ENDED('o')} AND (o.status, o.finished_at, o.test_mode) IS NOT DISTINCT FROM (n.status, n.finished_at, n.test_mode))
          ) r;
        RETURN NULL;
      END $$;

      CREATE FUNCTION parley_report_steps_taken_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, kind, sign, step_id, execution_id, node_id, status, at)
        SELECT s.workspace_id, 'taken', 1, s.id, s.execution_id, s.node_id, s.output_name, s.started_at FROM new_rows s WHERE ${STEP_TAKEN('s')};
        RETURN NULL;
      END $$;
      CREATE FUNCTION parley_report_steps_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, kind, sign, step_id, execution_id, node_id, status, at)
        SELECT s.workspace_id, 'taken', s.sign, s.id, s.execution_id, s.node_id, s.output_name, s.started_at
          FROM (
            SELECT o.*, -1::smallint AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE ${STEP_TAKEN('o')}
               AND (o.output_name, o.visit, o.node_id, o.started_at) IS DISTINCT FROM (n.output_name, n.visit, n.node_id, n.started_at)
            UNION ALL
            SELECT n.*, 1::smallint FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE ${STEP_TAKEN('n')}
               AND NOT (${STEP_TAKEN('o')}
                        AND (o.output_name, o.visit, o.node_id, o.started_at) IS NOT DISTINCT FROM (n.output_name, n.visit, n.node_id, n.started_at))
          ) s;
        RETURN NULL;
      END $$;

      CREATE FUNCTION parley_report_orders_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, kind, row_id) SELECT workspace_id, 'order', id FROM new_rows;
        RETURN NULL;
      END $$;
      CREATE FUNCTION parley_report_orders_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, kind, row_id)
        SELECT n.workspace_id, 'order', n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.placed_at, o.contact_id) IS DISTINCT FROM (n.placed_at, n.contact_id);
        RETURN NULL;
      END $$;

      DROP TRIGGER messages_report_update ON messages;
      CREATE TRIGGER messages_report_update AFTER UPDATE ON messages
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_messages_updated();

      DROP TRIGGER executions_report_ended ON executions;
      CREATE TRIGGER executions_report_ended AFTER INSERT ON executions
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_runs_ended_inserted();
      CREATE TRIGGER executions_report_update AFTER UPDATE ON executions
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_runs_updated();

      DROP TRIGGER execution_steps_report_taken ON execution_steps;
      CREATE TRIGGER execution_steps_report_taken AFTER INSERT ON execution_steps
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_steps_taken_inserted();
      CREATE TRIGGER execution_steps_report_update AFTER UPDATE ON execution_steps
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_steps_updated();

      DROP TRIGGER orders_report_change ON orders;
      CREATE TRIGGER orders_report_change AFTER INSERT ON orders
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_orders_inserted();
      CREATE TRIGGER orders_report_update AFTER UPDATE ON orders
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_orders_updated();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER messages_report_update ON messages;
      CREATE TRIGGER messages_report_update AFTER UPDATE OF status, status_at, error_code, conversation_id, sent_by_user_id, occurred_at,
        contact_id, execution_id, node_id, category, whatsapp_number_id, text, revoked_at, type, payload ON messages
        FOR EACH ROW EXECUTE FUNCTION parley_report_message_changed();
      DROP TRIGGER executions_report_ended ON executions;
      DROP TRIGGER executions_report_update ON executions;
      CREATE TRIGGER executions_report_ended AFTER INSERT OR UPDATE OF status, finished_at, test_mode ON executions
        FOR EACH ROW EXECUTE FUNCTION parley_report_run_ended();
      DROP TRIGGER execution_steps_report_taken ON execution_steps;
      DROP TRIGGER execution_steps_report_update ON execution_steps;
      CREATE TRIGGER execution_steps_report_taken AFTER INSERT OR UPDATE OF output_name, visit, node_id, started_at ON execution_steps
        FOR EACH ROW EXECUTE FUNCTION parley_report_step_taken();
      DROP TRIGGER orders_report_change ON orders;
      DROP TRIGGER orders_report_update ON orders;
      CREATE TRIGGER orders_report_change AFTER INSERT OR UPDATE OF placed_at, contact_id ON orders
        FOR EACH ROW EXECUTE FUNCTION parley_report_row_added();
      DROP FUNCTION parley_report_messages_updated(), parley_report_runs_ended_inserted(), parley_report_runs_updated(),
        parley_report_steps_taken_inserted(), parley_report_steps_updated(), parley_report_orders_inserted(), parley_report_orders_updated();
    `);
  }
}
