import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. Every domain table carries workspace_id; published flow
 * versions and the audit log are append-only, enforced by triggers so that no
 * code path (or hand-written SQL) can alter them.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE workspaces (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
        display_name text NOT NULL DEFAULT '',
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'marketer', 'support')),
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON users (email);
      CREATE INDEX users_workspace_idx ON users (workspace_id);

      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      );
      CREATE INDEX sessions_user_idx ON sessions (user_id);

      CREATE TABLE login_attempts (
        subject text PRIMARY KEY,
        failures integer NOT NULL,
        first_failure_at timestamptz NOT NULL,
        locked_until timestamptz
      );

      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        actor_user_id uuid REFERENCES users(id),
        action text NOT NULL,
        subject_type text NOT NULL,
        subject_id text,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_log_workspace_idx ON audit_log (workspace_id, id DESC);

      CREATE FUNCTION parley_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END;
      $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION parley_refuse_change();

      CREATE TABLE flows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description text NOT NULL DEFAULT '',
        draft jsonb NOT NULL,
        draft_revision integer NOT NULL DEFAULT 1,
        published_version_id uuid,
        created_by uuid REFERENCES users(id),
        updated_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX flows_workspace_idx ON flows (workspace_id, updated_at DESC);
      CREATE INDEX flows_published_idx ON flows (workspace_id) WHERE published_version_id IS NOT NULL;

      CREATE TABLE flow_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        flow_id uuid NOT NULL REFERENCES flows(id),
        version integer NOT NULL CHECK (version >= 1),
        definition jsonb NOT NULL,
        trigger_type text NOT NULL,
        published_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (flow_id, version)
      );
      CREATE TRIGGER flow_versions_immutable BEFORE UPDATE ON flow_versions
        FOR EACH ROW EXECUTE FUNCTION parley_refuse_change();
      ALTER TABLE flows ADD CONSTRAINT flows_published_version_fk
        FOREIGN KEY (published_version_id) REFERENCES flow_versions(id);

      CREATE TABLE whatsapp_numbers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        phone_number_id text NOT NULL UNIQUE,
        display_phone_number text NOT NULL DEFAULT '',
        waba_id text NOT NULL DEFAULT '',
        access_token_enc text NOT NULL,
        token_updated_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX whatsapp_numbers_workspace_idx ON whatsapp_numbers (workspace_id);

      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        wa_id text,
        bsuid text,
        phone_e164 text,
        display_name text,
        first_name text,
        last_name text,
        email text,
        time_zone text,
        locale text,
        fields jsonb NOT NULL DEFAULT '{}',
        whatsapp_number_id uuid REFERENCES whatsapp_numbers(id),
        last_inbound_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX contacts_wa_id_key ON contacts (workspace_id, wa_id) WHERE wa_id IS NOT NULL;
      CREATE UNIQUE INDEX contacts_bsuid_key ON contacts (workspace_id, bsuid) WHERE bsuid IS NOT NULL;
      CREATE INDEX contacts_phone_idx ON contacts (workspace_id, phone_e164);

      CREATE TABLE webhook_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        provider text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        body bytea NOT NULL,
        processed_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        notes jsonb NOT NULL DEFAULT '[]'
      );
      CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (id) WHERE processed_at IS NULL;

      CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid REFERENCES contacts(id),
        type text NOT NULL,
        source text NOT NULL,
        source_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        payload jsonb NOT NULL,
        processed_at timestamptz,
        UNIQUE (workspace_id, source, source_id)
      );
      CREATE INDEX events_contact_time_idx ON events (contact_id, occurred_at);
      CREATE INDEX events_pending_idx ON events (contact_id, occurred_at, id) WHERE processed_at IS NULL;

      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid NOT NULL REFERENCES contacts(id),
        whatsapp_number_id uuid NOT NULL REFERENCES whatsapp_numbers(id),
        direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        wamid text NOT NULL UNIQUE,
        type text NOT NULL,
        text text,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        status text,
        status_at timestamptz,
        execution_id uuid,
        node_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX messages_contact_idx ON messages (contact_id, occurred_at DESC);

      CREATE TABLE executions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        flow_id uuid NOT NULL REFERENCES flows(id),
        flow_version_id uuid NOT NULL REFERENCES flow_versions(id),
        contact_id uuid REFERENCES contacts(id),
        trigger_event_id bigint REFERENCES events(id),
        status text NOT NULL CHECK (status IN ('running', 'waiting', 'held', 'succeeded', 'failed', 'cancelled')),
        current_node_id text,
        vars jsonb NOT NULL DEFAULT '{}',
        error_code text,
        error_message text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (flow_id, trigger_event_id)
      );
      CREATE INDEX executions_workspace_idx ON executions (workspace_id, started_at DESC, id DESC);
      CREATE INDEX executions_contact_idx ON executions (contact_id, status);
      CREATE INDEX executions_flow_idx ON executions (flow_id, started_at DESC);

      CREATE TABLE execution_steps (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        execution_id uuid NOT NULL REFERENCES executions(id) ON DELETE CASCADE,
        sequence integer NOT NULL,
        node_id text NOT NULL,
        node_type text NOT NULL,
        node_type_version integer NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        attempt integer NOT NULL DEFAULT 1,
        input jsonb NOT NULL DEFAULT '{}',
        output jsonb,
        output_name text,
        error_code text,
        error_message text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        duration_ms integer,
        UNIQUE (execution_id, sequence)
      );

      CREATE TABLE side_effects (
        idempotency_key text PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        execution_id uuid,
        node_id text,
        kind text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'unknown')),
        request jsonb NOT NULL,
        result jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX side_effects_execution_idx ON side_effects (execution_id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE side_effects, execution_steps, executions, messages, events, webhook_deliveries, contacts,
        whatsapp_numbers, flows, flow_versions, audit_log, login_attempts, sessions, users, workspaces CASCADE;
      DROP FUNCTION parley_refuse_change();
    `);
  }
}
