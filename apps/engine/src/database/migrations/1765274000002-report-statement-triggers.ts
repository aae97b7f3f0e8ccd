import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The report triggers on inserts run once per statement instead of once per
 * row (docs/REPORTS.md "How it stays fast"): each reads the statement's
 * inserted rows from a transition table and logs them to report_changes in one
 * INSERT … SELECT, so a batch of messages, runs, steps or activity lines costs
 * two statements, not two per row, and a message's conversation is logged once
 * per statement (at its earliest message) rather than once per message. What
 * they log is unchanged, so the rollup job reads the same changes. Updates keep
 * their row triggers: PostgreSQL allows no transition tables on a trigger with
 * a column list, and without one every update of a message would pay for it.
 */
export class ReportStatementTriggers1765274000002 implements MigrationInterface {
  name = 'ReportStatementTriggers1765274000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION parley_report_messages_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, kind, sign, row_id, contact_id, at, direction, number_id, execution_id,
                                    node_id, template, category, status, error_code, read_seconds, text)
        SELECT m.workspace_id, 'message', 1, m.id, m.contact_id, m.occurred_at, m.direction, m.whatsapp_number_id, m.execution_id,
               coalesce(m.node_id, ''), coalesce(CASE WHEN m.type = 'template' THEN m.payload->'template'->>'name' END, ''),
               coalesce(m.category, ''), coalesce(m.status, ''), coalesce(m.error_code, ''),
               CASE WHEN m.status = 'read' THEN coalesce(extract(epoch FROM m.status_at - m.occurred_at), 0) ELSE 0 END,
               CASE WHEN m.direction = 'inbound' AND m.revoked_at IS NULL THEN m.text END
          FROM new_rows m;
        INSERT INTO report_changes (workspace_id, kind, conversation_id, at)
        SELECT workspace_id, 'conversation', conversation_id, min(occurred_at) FROM new_rows WHERE conversation_id IS NOT NULL GROUP BY 1, 3;
        RETURN NULL;
      END $$;
      CREATE FUNCTION parley_report_runs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, kind, row_id) SELECT workspace_id, 'run', id FROM new_rows;
        RETURN NULL;
      END $$;
      CREATE FUNCTION parley_report_steps_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, kind, step_id) SELECT workspace_id, 'step', id FROM new_rows;
        RETURN NULL;
      END $$;
      CREATE FUNCTION parley_report_notes_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, kind, conversation_id, at)
        SELECT workspace_id, 'conversation', conversation_id, min(occurred_at) FROM new_rows WHERE kind = 'activity' GROUP BY 1, 3;
        RETURN NULL;
      END $$;

      DROP TRIGGER messages_report_insert ON messages;
      CREATE TRIGGER messages_report_insert AFTER INSERT ON messages
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_messages_inserted();
      DROP TRIGGER executions_report_insert ON executions;
      CREATE TRIGGER executions_report_insert AFTER INSERT ON executions
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_runs_inserted();
      DROP TRIGGER execution_steps_report_insert ON execution_steps;
      CREATE TRIGGER execution_steps_report_insert AFTER INSERT ON execution_steps
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_steps_inserted();
      DROP TRIGGER conversation_notes_report_insert ON conversation_notes;
      CREATE TRIGGER conversation_notes_report_insert AFTER INSERT ON conversation_notes
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parley_report_notes_inserted();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER messages_report_insert ON messages;
      CREATE TRIGGER messages_report_insert AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION parley_report_message_changed();
      DROP TRIGGER executions_report_insert ON executions;
      CREATE TRIGGER executions_report_insert AFTER INSERT ON executions FOR EACH ROW EXECUTE FUNCTION parley_report_row_added();
      DROP TRIGGER execution_steps_report_insert ON execution_steps;
      CREATE TRIGGER execution_steps_report_insert AFTER INSERT ON execution_steps FOR EACH ROW EXECUTE FUNCTION parley_report_row_added();
      DROP TRIGGER conversation_notes_report_insert ON conversation_notes;
      CREATE TRIGGER conversation_notes_report_insert AFTER INSERT ON conversation_notes
        FOR EACH ROW EXECUTE FUNCTION parley_report_conversation_changed();
      DROP FUNCTION parley_report_messages_inserted(), parley_report_runs_inserted(), parley_report_steps_inserted(), parley_report_notes_inserted();
    `);
  }
}
