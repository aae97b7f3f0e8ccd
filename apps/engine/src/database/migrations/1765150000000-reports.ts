import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports read rollups, never the raw rows. Triggers append what changed
 * (an hour of a workspace, or a conversation) to `report_changes` in the same
 * transaction as the change itself: appends never contend, and a change is
 * never lost, whenever the rollup job runs or crashes. The job recomputes each
 * changed hour and conversation from the raw rows, replaces its rollup rows
 * and deletes the changes it handled, all in one transaction, so it is
 * idempotent and resumes where it stopped (docs/REPORTS.md).
 */
export class Reports1765150000000 implements MigrationInterface {
  name = 'Reports1765150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE report_changes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id uuid NOT NULL,
        hour timestamptz,
        conversation_id uuid,
        CHECK ((hour IS NULL) <> (conversation_id IS NULL))
      );

      -- Counts per hour (UTC) and dimension. metric: out (outbound messages by final status), in (inbound),
      -- reply (first customer message after an outbound one, counted with that message's dimensions),
      -- conversion (an order after a flow's message, last touch), entered (executions), step (steps reached).
      CREATE TABLE report_hours (
        workspace_id uuid NOT NULL,
        hour timestamptz NOT NULL,
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
      CREATE INDEX report_hours_range_idx ON report_hours (workspace_id, hour, metric);

      CREATE TABLE report_word_hours (
        workspace_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        number_id uuid,
        kind text NOT NULL CHECK (kind IN ('word', 'intent')),
        term text NOT NULL,
        count integer NOT NULL
      );
      CREATE INDEX report_word_hours_range_idx ON report_word_hours (workspace_id, hour);

      -- Service events per conversation and care cycle (opened, first_response, reply, resolution).
      CREATE TABLE report_service_events (
        workspace_id uuid NOT NULL,
        conversation_id uuid NOT NULL,
        number_id uuid,
        cycle integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('opened', 'first_response', 'reply', 'resolution')),
        at timestamptz NOT NULL,
        user_id uuid,
        seconds double precision NOT NULL,
        business_seconds double precision NOT NULL
      );
      CREATE INDEX report_service_events_range_idx ON report_service_events (workspace_id, kind, at);
      CREATE INDEX report_service_events_conversation_idx ON report_service_events (conversation_id);

      -- What one message costs, per Meta pricing category and recipient country ('*' = any other country).
      CREATE TABLE report_prices (
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        country text NOT NULL CHECK (country ~ '^([A-Z]{2}|\\*)$'),
        category text NOT NULL CHECK (category IN ('marketing', 'utility', 'authentication', 'service')),
        price numeric(12, 6) NOT NULL CHECK (price >= 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, country, category)
      );

      -- Weekly reports, as they were made (figures do not change when later data arrives).
      CREATE TABLE report_weekly (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        week_start date NOT NULL,
        period_from timestamptz NOT NULL,
        period_to timestamptz NOT NULL,
        content jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, week_start)
      );

      -- Rollup recomputation reads an hour of a workspace's messages and orders.
      CREATE INDEX messages_workspace_time_idx ON messages (workspace_id, occurred_at);
      CREATE INDEX orders_workspace_time_idx ON orders (workspace_id, placed_at);
      CREATE INDEX execution_steps_workspace_time_idx ON execution_steps (workspace_id, started_at);

      -- A message changes its own hour and conversation, and also what depends on it elsewhere: whether the
      -- contact's next message is a reply (to it), and which orders after it a flow's message converted.
      CREATE FUNCTION parley_report_mark_message(m messages) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, hour) VALUES (m.workspace_id, date_trunc('hour', m.occurred_at));
        IF m.conversation_id IS NOT NULL THEN
          INSERT INTO report_changes (workspace_id, conversation_id) VALUES (m.workspace_id, m.conversation_id);
        END IF;
        INSERT INTO report_changes (workspace_id, hour)
          SELECT m.workspace_id, date_trunc('hour', n.occurred_at) FROM messages n
           WHERE n.contact_id = m.contact_id AND n.occurred_at > m.occurred_at AND n.id <> m.id
           ORDER BY n.occurred_at LIMIT 1;
        IF m.direction = 'outbound' AND m.execution_id IS NOT NULL THEN
          -- 90 days: the longest conversion window a workspace may set.
          INSERT INTO report_changes (workspace_id, hour)
            SELECT DISTINCT m.workspace_id, date_trunc('hour', o.placed_at) FROM orders o
             WHERE o.contact_id = m.contact_id AND o.placed_at >= m.occurred_at AND o.placed_at < m.occurred_at + interval '90 days';
        END IF;
      END;
      $$;
      CREATE FUNCTION parley_report_message_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM parley_report_mark_message(NEW);
        IF TG_OP = 'UPDATE' AND (OLD.occurred_at, OLD.contact_id) IS DISTINCT FROM (NEW.occurred_at, NEW.contact_id) THEN
          PERFORM parley_report_mark_message(OLD);
        END IF;
        RETURN NULL;
      END;
      $$;
      CREATE TRIGGER messages_report_insert AFTER INSERT ON messages
        FOR EACH ROW EXECUTE FUNCTION parley_report_message_changed();
      CREATE TRIGGER messages_report_update AFTER UPDATE OF status, error_code, conversation_id, sent_by_user_id, occurred_at, contact_id, execution_id, text ON messages
        FOR EACH ROW EXECUTE FUNCTION parley_report_message_changed();

      CREATE FUNCTION parley_report_run_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, hour) VALUES (NEW.workspace_id, date_trunc('hour', NEW.started_at));
        RETURN NULL;
      END;
      $$;
      CREATE FUNCTION parley_report_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, hour) VALUES (NEW.workspace_id, date_trunc('hour', NEW.placed_at));
        RETURN NULL;
      END;
      $$;
      CREATE TRIGGER executions_report_insert AFTER INSERT ON executions
        FOR EACH ROW EXECUTE FUNCTION parley_report_run_changed();
      CREATE TRIGGER execution_steps_report_insert AFTER INSERT ON execution_steps
        FOR EACH ROW EXECUTE FUNCTION parley_report_run_changed();
      CREATE TRIGGER orders_report_change AFTER INSERT OR UPDATE OF placed_at, contact_id ON orders
        FOR EACH ROW EXECUTE FUNCTION parley_report_order_changed();

      CREATE FUNCTION parley_report_conversation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.kind = 'activity' THEN
          INSERT INTO report_changes (workspace_id, conversation_id) VALUES (NEW.workspace_id, NEW.conversation_id);
        END IF;
        RETURN NULL;
      END;
      $$;
      CREATE TRIGGER conversation_notes_report_insert AFTER INSERT ON conversation_notes
        FOR EACH ROW EXECUTE FUNCTION parley_report_conversation_changed();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER conversation_notes_report_insert ON conversation_notes;
      DROP TRIGGER orders_report_change ON orders;
      DROP TRIGGER execution_steps_report_insert ON execution_steps;
      DROP TRIGGER executions_report_insert ON executions;
      DROP TRIGGER messages_report_update ON messages;
      DROP TRIGGER messages_report_insert ON messages;
      DROP FUNCTION parley_report_conversation_changed(), parley_report_order_changed(), parley_report_run_changed(), parley_report_message_changed();
      DROP FUNCTION parley_report_mark_message(messages);
      DROP INDEX execution_steps_workspace_time_idx, orders_workspace_time_idx, messages_workspace_time_idx;
      DROP TABLE report_weekly, report_prices, report_service_events, report_word_hours, report_hours, report_changes;
    `);
  }
}
