import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two more running counts for the flow funnel (docs/REPORTS.md "Flow funnel"):
 * runs ended per status (succeeded, failed, cancelled), in the hour they
 * ended, and the connections taken (a step's first visit leaving by an
 * output), in the hour the step started. Both change after the row is written
 * (a run ends, a step finishes), so the triggers log the old value (sign -1)
 * and the new one (+1) on update too, as messages do. Every workspace is
 * queued for a rebuild so past runs and steps are counted.
 */
export class ReportRunEndsAndEdges1765264000000 implements MigrationInterface {
  name = 'ReportRunEndsAndEdges1765264000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE report_changes DROP CONSTRAINT report_changes_kind_check;
      ALTER TABLE report_changes ADD CONSTRAINT report_changes_kind_check
        CHECK (kind IN ('message', 'run', 'step', 'order', 'conversation', 'rebuild', 'ended', 'taken'));

      -- A run counts as ended once it is succeeded, failed or cancelled; test runs never count.
      CREATE FUNCTION parley_report_run_ended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND NOT OLD.test_mode AND OLD.status IN ('succeeded', 'failed', 'cancelled') THEN
          IF NEW.status = OLD.status AND NEW.finished_at IS NOT DISTINCT FROM OLD.finished_at AND NEW.test_mode = OLD.test_mode THEN
            RETURN NULL;
          END IF;
          INSERT INTO report_changes (workspace_id, kind, sign, row_id, execution_id, status, at)
          VALUES (OLD.workspace_id, 'ended', -1, OLD.id, OLD.id, OLD.status, coalesce(OLD.finished_at, OLD.started_at));
        END IF;
        IF NOT NEW.test_mode AND NEW.status IN ('succeeded', 'failed', 'cancelled') THEN
          INSERT INTO report_changes (workspace_id, kind, sign, row_id, execution_id, status, at)
          VALUES (NEW.workspace_id, 'ended', 1, NEW.id, NEW.id, NEW.status, coalesce(NEW.finished_at, NEW.started_at));
        END IF;
        RETURN NULL;
      END;
      $$;
      CREATE TRIGGER executions_report_ended AFTER INSERT OR UPDATE OF status, finished_at, test_mode ON executions
        FOR EACH ROW EXECUTE FUNCTION parley_report_run_ended();

      -- A connection taken: the output a step's first visit left by (status holds the output's name).
      CREATE FUNCTION parley_report_step_taken() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.visit = 0 AND OLD.output_name IS NOT NULL THEN
          IF NEW.output_name IS NOT DISTINCT FROM OLD.output_name AND NEW.visit = OLD.visit AND NEW.node_id = OLD.node_id
             AND NEW.started_at = OLD.started_at THEN
            RETURN NULL;
          END IF;
          INSERT INTO report_changes (workspace_id, kind, sign, step_id, execution_id, node_id, status, at)
          VALUES (OLD.workspace_id, 'taken', -1, OLD.id, OLD.execution_id, OLD.node_id, OLD.output_name, OLD.started_at);
        END IF;
        IF NEW.visit = 0 AND NEW.output_name IS NOT NULL THEN
          INSERT INTO report_changes (workspace_id, kind, sign, step_id, execution_id, node_id, status, at)
          VALUES (NEW.workspace_id, 'taken', 1, NEW.id, NEW.execution_id, NEW.node_id, NEW.output_name, NEW.started_at);
        END IF;
        RETURN NULL;
      END;
      $$;
      CREATE TRIGGER execution_steps_report_taken AFTER INSERT OR UPDATE OF output_name, visit, node_id, started_at ON execution_steps
        FOR EACH ROW EXECUTE FUNCTION parley_report_step_taken();

      INSERT INTO report_changes (workspace_id, kind) SELECT id, 'rebuild' FROM workspaces;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER execution_steps_report_taken ON execution_steps;
      DROP TRIGGER executions_report_ended ON executions;
      DROP FUNCTION parley_report_step_taken(), parley_report_run_ended();
      DELETE FROM report_changes WHERE kind IN ('ended', 'taken');
      DELETE FROM report_hours WHERE metric IN ('ended', 'taken');
      ALTER TABLE report_changes DROP CONSTRAINT report_changes_kind_check;
      ALTER TABLE report_changes ADD CONSTRAINT report_changes_kind_check
        CHECK (kind IN ('message', 'run', 'step', 'order', 'conversation', 'rebuild'));
    `);
  }
}
