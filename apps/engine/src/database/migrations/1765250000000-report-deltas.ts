import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Report rollups become running counts. Before, a round recomputed each
 * changed hour from all of that hour's raw rows, so under a steady stream the
 * current hour was re-read every round and catch-up slowed down as the hour
 * filled. Now the triggers log what each change adds and takes away (a
 * message's values before and after, with a sign), and a round sums those
 * deltas into the rollups with a few set-based statements. Replies and
 * conversions depend on other rows (the message before, the flow's message
 * before an order), so they are kept per inbound message and per order
 * (report_reply_facts, report_conversion_facts): a round recomputes only the
 * messages and orders a change can affect, and applies the difference.
 *
 * Existing rollups were made the old way: they are emptied and every
 * workspace is queued for a rebuild (the first round does it).
 */
export class ReportDeltas1765250000000 implements MigrationInterface {
  name = 'ReportDeltas1765250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER messages_report_insert ON messages;
      DROP TRIGGER messages_report_update ON messages;
      DROP TRIGGER executions_report_insert ON executions;
      DROP TRIGGER execution_steps_report_insert ON execution_steps;
      DROP TRIGGER orders_report_change ON orders;
      DROP TRIGGER conversation_notes_report_insert ON conversation_notes;
      DROP FUNCTION parley_report_conversation_changed(), parley_report_order_changed(), parley_report_run_changed(), parley_report_message_changed();
      DROP FUNCTION parley_report_mark_message(messages);

      TRUNCATE report_changes, report_hours, report_word_hours, report_service_events;
      ALTER TABLE report_changes DROP COLUMN hour;
      -- kind: message (a message's reported values, sign +1 or -1), run, step, order (a row added), conversation
      -- (its service events to recompute from \`at\`, the earliest time the change touches), rebuild (the whole workspace).
      ALTER TABLE report_changes
        ADD COLUMN kind text NOT NULL CHECK (kind IN ('message', 'run', 'step', 'order', 'conversation', 'rebuild')),
        ADD COLUMN sign smallint,
        ADD COLUMN row_id uuid,
        ADD COLUMN step_id bigint,
        ADD COLUMN contact_id uuid,
        ADD COLUMN at timestamptz,
        ADD COLUMN direction text,
        ADD COLUMN number_id uuid,
        ADD COLUMN execution_id uuid,
        ADD COLUMN node_id text,
        ADD COLUMN template text,
        ADD COLUMN category text,
        ADD COLUMN status text,
        ADD COLUMN error_code text,
        ADD COLUMN read_seconds double precision,
        ADD COLUMN text text;
      CREATE INDEX report_changes_rebuild_idx ON report_changes (workspace_id) WHERE kind = 'rebuild';
      INSERT INTO report_changes (workspace_id, kind) SELECT id, 'rebuild' FROM workspaces;

      -- One row per key, so a round can add to it; zero rows are removed (found by the partial index).
      DROP INDEX report_hours_range_idx;
      CREATE UNIQUE INDEX report_hours_key ON report_hours
        (workspace_id, hour, metric, number_id, flow_id, flow_version_id, node_id, template, category, country, status, error_code)
        NULLS NOT DISTINCT;
      CREATE INDEX report_hours_zero_idx ON report_hours (workspace_id) WHERE count = 0;
      DROP INDEX report_word_hours_range_idx;
      CREATE UNIQUE INDEX report_word_hours_key ON report_word_hours (workspace_id, hour, number_id, kind, term) NULLS NOT DISTINCT;
      CREATE INDEX report_word_hours_zero_idx ON report_word_hours (workspace_id) WHERE count = 0;

      -- An inbound message that is a reply, with the dimensions of the outbound message it answers.
      CREATE TABLE report_reply_facts (
        message_id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL,
        contact_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        number_id uuid,
        flow_id uuid,
        flow_version_id uuid,
        node_id text NOT NULL,
        template text NOT NULL,
        category text NOT NULL,
        country text NOT NULL
      );
      CREATE INDEX report_reply_facts_workspace_idx ON report_reply_facts (workspace_id, hour);
      -- An order that a flow's message converted (last touch), with that message's dimensions.
      CREATE TABLE report_conversion_facts (LIKE report_reply_facts INCLUDING ALL);
      ALTER TABLE report_conversion_facts RENAME COLUMN message_id TO order_id;

      -- The same counts per contact tag (the tag filter): the tags the contact had when the rollup took the change in.
      CREATE TABLE report_tag_hours (
        workspace_id uuid NOT NULL,
        hour timestamptz NOT NULL,
        tag text NOT NULL,
        metric text NOT NULL,
        number_id uuid,
        flow_id uuid,
        flow_version_id uuid,
        node_id text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT '',
        count bigint NOT NULL,
        seconds double precision NOT NULL DEFAULT 0
      );
      CREATE UNIQUE INDEX report_tag_hours_key ON report_tag_hours
        (workspace_id, tag, hour, metric, number_id, flow_id, flow_version_id, node_id, status) NULLS NOT DISTINCT;
      CREATE INDEX report_tag_hours_zero_idx ON report_tag_hours (workspace_id) WHERE count = 0;

      CREATE FUNCTION parley_report_log_message(m messages, s smallint) RETURNS void LANGUAGE sql AS $$
        INSERT INTO report_changes (workspace_id, kind, sign, row_id, contact_id, at, direction, number_id, execution_id,
                                    node_id, template, category, status, error_code, read_seconds, text)
        VALUES (m.workspace_id, 'message', s, m.id, m.contact_id, m.occurred_at, m.direction, m.whatsapp_number_id, m.execution_id,
                coalesce(m.node_id, ''), coalesce(CASE WHEN m.type = 'template' THEN m.payload->'template'->>'name' END, ''),
                coalesce(m.category, ''), coalesce(m.status, ''), coalesce(m.error_code, ''),
                CASE WHEN m.status = 'read' THEN coalesce(extract(epoch FROM m.status_at - m.occurred_at), 0) ELSE 0 END,
                CASE WHEN m.direction = 'inbound' AND m.revoked_at IS NULL THEN m.text END);
      $$;
      CREATE FUNCTION parley_report_message_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM parley_report_log_message(NEW, 1::smallint);
          IF NEW.conversation_id IS NOT NULL THEN
            INSERT INTO report_changes (workspace_id, kind, conversation_id, at) VALUES (NEW.workspace_id, 'conversation', NEW.conversation_id, NEW.occurred_at);
          END IF;
          RETURN NULL;
        END IF;
        IF (OLD.status, OLD.status_at, OLD.error_code, OLD.occurred_at, OLD.contact_id, OLD.execution_id, OLD.node_id, OLD.category,
            OLD.whatsapp_number_id, OLD.text, OLD.revoked_at, OLD.type, OLD.payload->'template'->>'name')
           IS DISTINCT FROM
           (NEW.status, NEW.status_at, NEW.error_code, NEW.occurred_at, NEW.contact_id, NEW.execution_id, NEW.node_id, NEW.category,
            NEW.whatsapp_number_id, NEW.text, NEW.revoked_at, NEW.type, NEW.payload->'template'->>'name') THEN
          PERFORM parley_report_log_message(OLD, -1::smallint);
          PERFORM parley_report_log_message(NEW, 1::smallint);
        END IF;
        -- Service events read who wrote and when, in which conversation.
        IF (OLD.conversation_id, OLD.sent_by_user_id, OLD.occurred_at) IS DISTINCT FROM (NEW.conversation_id, NEW.sent_by_user_id, NEW.occurred_at) THEN
          INSERT INTO report_changes (workspace_id, kind, conversation_id, at)
            SELECT NEW.workspace_id, 'conversation', c, least(OLD.occurred_at, NEW.occurred_at) FROM (SELECT DISTINCT unnest(ARRAY[OLD.conversation_id, NEW.conversation_id]) AS c) x
             WHERE c IS NOT NULL;
        END IF;
        RETURN NULL;
      END;
      $$;
      CREATE TRIGGER messages_report_insert AFTER INSERT ON messages
        FOR EACH ROW EXECUTE FUNCTION parley_report_message_changed();
      CREATE TRIGGER messages_report_update AFTER UPDATE OF status, status_at, error_code, conversation_id, sent_by_user_id, occurred_at,
        contact_id, execution_id, node_id, category, whatsapp_number_id, text, revoked_at, type, payload ON messages
        FOR EACH ROW EXECUTE FUNCTION parley_report_message_changed();

      CREATE FUNCTION parley_report_row_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'execution_steps' THEN
          INSERT INTO report_changes (workspace_id, kind, step_id) VALUES (NEW.workspace_id, 'step', NEW.id);
        ELSIF TG_TABLE_NAME = 'executions' THEN
          INSERT INTO report_changes (workspace_id, kind, row_id) VALUES (NEW.workspace_id, 'run', NEW.id);
        ELSE
          INSERT INTO report_changes (workspace_id, kind, row_id) VALUES (NEW.workspace_id, 'order', NEW.id);
        END IF;
        RETURN NULL;
      END;
      $$;
      CREATE TRIGGER executions_report_insert AFTER INSERT ON executions
        FOR EACH ROW EXECUTE FUNCTION parley_report_row_added();
      CREATE TRIGGER execution_steps_report_insert AFTER INSERT ON execution_steps
        FOR EACH ROW EXECUTE FUNCTION parley_report_row_added();
      CREATE TRIGGER orders_report_change AFTER INSERT OR UPDATE OF placed_at, contact_id ON orders
        FOR EACH ROW EXECUTE FUNCTION parley_report_row_added();

      CREATE FUNCTION parley_report_conversation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.kind = 'activity' THEN
          INSERT INTO report_changes (workspace_id, kind, conversation_id, at) VALUES (NEW.workspace_id, 'conversation', NEW.conversation_id, NEW.occurred_at);
        END IF;
        RETURN NULL;
      END;
      $$;
      CREATE TRIGGER conversation_notes_report_insert AFTER INSERT ON conversation_notes
        FOR EACH ROW EXECUTE FUNCTION parley_report_conversation_changed();
    `);
  }

  /** Back to hour recomputation: the old triggers come back with migration 1765150000000's down and up. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER conversation_notes_report_insert ON conversation_notes;
      DROP TRIGGER orders_report_change ON orders;
      DROP TRIGGER execution_steps_report_insert ON execution_steps;
      DROP TRIGGER executions_report_insert ON executions;
      DROP TRIGGER messages_report_update ON messages;
      DROP TRIGGER messages_report_insert ON messages;
      DROP FUNCTION parley_report_conversation_changed(), parley_report_row_added(), parley_report_message_changed();
      DROP FUNCTION parley_report_log_message(messages, smallint);
      DROP TABLE report_tag_hours, report_conversion_facts, report_reply_facts;
      DROP INDEX report_word_hours_zero_idx, report_word_hours_key, report_hours_zero_idx, report_hours_key, report_changes_rebuild_idx;
      CREATE INDEX report_hours_range_idx ON report_hours (workspace_id, hour, metric);
      CREATE INDEX report_word_hours_range_idx ON report_word_hours (workspace_id, hour);
      TRUNCATE report_changes, report_hours, report_word_hours, report_service_events;
      ALTER TABLE report_changes DROP COLUMN kind, DROP COLUMN sign, DROP COLUMN row_id, DROP COLUMN step_id, DROP COLUMN contact_id,
        DROP COLUMN at, DROP COLUMN direction, DROP COLUMN number_id, DROP COLUMN execution_id, DROP COLUMN node_id, DROP COLUMN template,
        DROP COLUMN category, DROP COLUMN status, DROP COLUMN error_code, DROP COLUMN read_seconds, DROP COLUMN text,
        ADD COLUMN hour timestamptz;
      -- Recreate the hour-recomputing triggers the previous migration made (its up, minus the tables it made).
      CREATE FUNCTION parley_report_run_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, hour) VALUES (NEW.workspace_id, date_trunc('hour', NEW.started_at));
        RETURN NULL;
      END;
      $$;
      CREATE FUNCTION parley_report_message_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO report_changes (workspace_id, hour) VALUES (NEW.workspace_id, date_trunc('hour', NEW.occurred_at));
        RETURN NULL;
      END;
      $$;
    `);
    // The full previous trigger set is long; a down migration is for development only, and a rebuild after it
    // (reports:rebuild) recomputes every hour. Hour logging on messages and runs is enough for that.
    await queryRunner.query(`
      CREATE TRIGGER messages_report_insert AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION parley_report_message_changed();
      CREATE TRIGGER executions_report_insert AFTER INSERT ON executions FOR EACH ROW EXECUTE FUNCTION parley_report_run_changed();
    `);
  }
}
