import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The flow engine's state: durable waits and timers, automation pauses,
 * execution outcomes, and the built-in customer store the nodes act on
 * (tags, lists, coupons, orders, opportunities, tasks, notifications).
 */
export class FlowEngine1763900000000 implements MigrationInterface {
  name = 'FlowEngine1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE contacts
        ADD COLUMN list text,
        ADD COLUMN assigned_user_id uuid REFERENCES users(id);
      CREATE INDEX contacts_list_idx ON contacts (workspace_id, list);

      CREATE TABLE contact_tags (
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        tag text NOT NULL CHECK (length(tag) BETWEEN 1 AND 100),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (contact_id, tag)
      );
      CREATE INDEX contact_tags_tag_idx ON contact_tags (workspace_id, tag);

      CREATE TABLE coupons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid NOT NULL REFERENCES contacts(id),
        campaign text NOT NULL,
        code text NOT NULL,
        discount_percent numeric(5, 2),
        discount_amount numeric(14, 2),
        currency text,
        expires_at timestamptz,
        execution_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        redeemed_at timestamptz,
        UNIQUE (workspace_id, code),
        UNIQUE (workspace_id, campaign, contact_id)
      );

      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid REFERENCES contacts(id),
        external_id text NOT NULL,
        status text NOT NULL,
        total numeric(14, 2),
        currency text,
        items jsonb NOT NULL DEFAULT '[]',
        carrier text,
        tracking_number text,
        tracking_url text,
        estimated_delivery date,
        placed_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, external_id)
      );
      CREATE INDEX orders_contact_idx ON orders (contact_id, placed_at DESC);

      CREATE TABLE opportunities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid REFERENCES contacts(id),
        title text NOT NULL,
        stage text NOT NULL,
        amount numeric(14, 2),
        currency text,
        source text,
        execution_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX opportunities_contact_idx ON opportunities (contact_id);

      CREATE TABLE tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid REFERENCES contacts(id),
        title text NOT NULL,
        notes text NOT NULL DEFAULT '',
        due_at timestamptz,
        assigned_user_id uuid REFERENCES users(id),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
        execution_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      );
      CREATE INDEX tasks_workspace_idx ON tasks (workspace_id, status, due_at);

      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        user_id uuid REFERENCES users(id),
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL DEFAULT '',
        subject_type text,
        subject_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      );
      CREATE INDEX notifications_workspace_idx ON notifications (workspace_id, created_at DESC);

      ALTER TABLE executions DROP CONSTRAINT executions_status_check;
      ALTER TABLE executions
        ADD CONSTRAINT executions_status_check
          CHECK (status IN ('running', 'waiting', 'held', 'succeeded', 'failed', 'cancelled', 'skipped')),
        ADD COLUMN ended_reason text,
        ADD COLUMN hold_reason text,
        ADD COLUMN test_mode boolean NOT NULL DEFAULT false;
      CREATE INDEX executions_active_idx ON executions (contact_id, flow_id) WHERE status IN ('running', 'waiting', 'held');

      ALTER TABLE execution_steps DROP CONSTRAINT execution_steps_status_check;
      ALTER TABLE execution_steps
        ADD CONSTRAINT execution_steps_status_check CHECK (status IN ('running', 'waiting', 'succeeded', 'failed')),
        ADD COLUMN visit integer NOT NULL DEFAULT 0,
        ADD COLUMN decision jsonb;

      CREATE TABLE waits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid NOT NULL REFERENCES contacts(id),
        execution_id uuid REFERENCES executions(id) ON DELETE CASCADE,
        flow_id uuid REFERENCES flows(id),
        trigger_event_id bigint REFERENCES events(id),
        node_id text,
        kind text NOT NULL CHECK (kind IN ('delay', 'until', 'event', 'retry', 'hold', 'debounce')),
        due_at timestamptz,
        event_type text,
        event_filter jsonb,
        status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'fired', 'cancelled')),
        outcome text,
        fired_at timestamptz,
        late_by_ms integer,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX waits_due_idx ON waits (due_at) WHERE status = 'waiting' AND due_at IS NOT NULL;
      CREATE INDEX waits_contact_idx ON waits (contact_id) WHERE status = 'waiting';
      CREATE UNIQUE INDEX waits_one_per_execution ON waits (execution_id) WHERE status = 'waiting' AND execution_id IS NOT NULL;
      CREATE UNIQUE INDEX waits_one_debounce ON waits (flow_id, contact_id) WHERE status = 'waiting' AND kind = 'debounce';

      CREATE TABLE automation_pauses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        scope text NOT NULL CHECK (scope IN ('contact', 'flow', 'workspace')),
        contact_id uuid REFERENCES contacts(id),
        flow_id uuid REFERENCES flows(id),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz,
        reason text NOT NULL DEFAULT '',
        created_by text NOT NULL,
        created_by_user_id uuid REFERENCES users(id),
        ended_at timestamptz,
        ended_by text,
        ended_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((scope = 'contact') = (contact_id IS NOT NULL)),
        CHECK ((scope = 'flow') = (flow_id IS NOT NULL))
      );
      CREATE INDEX automation_pauses_open_idx ON automation_pauses (workspace_id, scope) WHERE ended_at IS NULL;

      CREATE TABLE schedule_runs (
        flow_id uuid NOT NULL REFERENCES flows(id),
        tick_at timestamptz NOT NULL,
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        started_at timestamptz NOT NULL DEFAULT now(),
        contacts integer NOT NULL DEFAULT 0,
        PRIMARY KEY (flow_id, tick_at)
      );

      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        name text NOT NULL,
        key_hash bytea NOT NULL UNIQUE,
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );

      -- Every event and execution belongs to a contact (the unit of ordering and pausing).
      ALTER TABLE events ALTER COLUMN contact_id SET NOT NULL;
      ALTER TABLE executions ALTER COLUMN contact_id SET NOT NULL;
      CREATE INDEX events_contact_type_time_idx ON events (contact_id, type, occurred_at DESC);
      CREATE INDEX messages_outbound_status_idx ON messages (workspace_id, occurred_at)
        WHERE direction = 'outbound' AND status IN ('accepted', 'sent', 'delivered');
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX messages_outbound_status_idx;
      DROP INDEX events_contact_type_time_idx;
      ALTER TABLE events ALTER COLUMN contact_id DROP NOT NULL;
      ALTER TABLE executions ALTER COLUMN contact_id DROP NOT NULL;
      DROP TABLE api_keys, schedule_runs, automation_pauses, waits, notifications, tasks, opportunities, orders, coupons, contact_tags;
      ALTER TABLE execution_steps DROP COLUMN decision, DROP COLUMN visit;
      ALTER TABLE executions DROP COLUMN test_mode, DROP COLUMN hold_reason, DROP COLUMN ended_reason;
      ALTER TABLE contacts DROP COLUMN assigned_user_id, DROP COLUMN list;
    `);
  }
}
