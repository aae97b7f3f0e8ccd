import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CRM connectors and two-way sync: one connection per workspace (secrets
 * sealed), the link between a contact and its CRM record with the values
 * both sides last agreed on, the outbox of local changes (a trigger on
 * contacts fills it, so every writer is covered), the calls log behind the
 * health view, and the conflict review queue.
 */
export class CrmSync1765145000000 implements MigrationInterface {
  name = 'CrmSync1765145000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE crm_connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        provider text NOT NULL CHECK (provider IN ('hubspot', 'salesforce', 'zoho')),
        name text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}',
        secrets_enc text NOT NULL,
        secret_names text[] NOT NULL DEFAULT '{}',
        sync_lease_token uuid,
        sync_lease_until timestamptz,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
        cursor jsonb NOT NULL DEFAULT '{"phase": "initial"}',
        quota jsonb NOT NULL DEFAULT '{}',
        max_attempts integer NOT NULL DEFAULT 3,
        retry_delay_ms integer NOT NULL DEFAULT 300000,
        last_error text,
        last_error_at timestamptz,
        last_success_at timestamptz,
        last_poll_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX crm_connections_workspace_key ON crm_connections (workspace_id);

      CREATE TABLE crm_links (
        connection_id uuid NOT NULL REFERENCES crm_connections(id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        remote_type text NOT NULL,
        remote_id text NOT NULL,
        baseline jsonb NOT NULL DEFAULT '{}',
        remote_modified_at timestamptz,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, contact_id)
      );
      CREATE UNIQUE INDEX crm_links_remote_key ON crm_links (connection_id, remote_type, remote_id);

      CREATE TABLE crm_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        connection_id uuid NOT NULL REFERENCES crm_connections(id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('contact.fields', 'chat.history')),
        payload jsonb NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed', 'skipped')),
        attempts integer NOT NULL DEFAULT 0,
        remote_attempted boolean NOT NULL DEFAULT false,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claim_token uuid,
        claimed_at timestamptz,
        last_error text,
        done_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX crm_outbox_pending_idx ON crm_outbox (connection_id, id) WHERE status IN ('pending', 'running', 'failed');
      CREATE INDEX crm_outbox_contact_idx ON crm_outbox (connection_id, contact_id, id) WHERE status IN ('pending', 'running', 'failed');

      CREATE TABLE crm_calls (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        connection_id uuid NOT NULL REFERENCES crm_connections(id) ON DELETE CASCADE,
        mode text NOT NULL CHECK (mode IN ('realtime', 'batch', 'test')),
        ok boolean NOT NULL,
        lag_ms integer,
        error text,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX crm_calls_connection_idx ON crm_calls (connection_id, at);

      CREATE TABLE crm_conflicts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        connection_id uuid NOT NULL REFERENCES crm_connections(id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        field text NOT NULL,
        local_value text,
        local_changed_at timestamptz NOT NULL,
        remote_value text,
        remote_changed_at timestamptz NOT NULL,
        remote_source text NOT NULL,
        winner text NOT NULL CHECK (winner IN ('local', 'remote')),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted_local', 'accepted_remote', 'edited', 'dismissed')),
        resolved_value text,
        resolved_by uuid,
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX crm_conflicts_open_idx ON crm_conflicts (workspace_id, created_at DESC) WHERE status = 'open';

      -- Every change to a synced field of a contact becomes one outbox row per
      -- connection, unless the change was made by the sync itself (it sets
      -- parley.crm_origin for its transaction), so remote changes never echo back.
      CREATE FUNCTION crm_outbox_contact_change() RETURNS trigger AS $$
      DECLARE
        changed jsonb := '{}';
        conn record;
      BEGIN
        IF coalesce(current_setting('parley.crm_origin', true), '') <> '' THEN
          RETURN NEW;
        END IF;
        IF TG_OP = 'INSERT' OR NEW.first_name IS DISTINCT FROM OLD.first_name THEN changed := changed || jsonb_build_object('firstName', NEW.first_name); END IF;
        IF TG_OP = 'INSERT' OR NEW.last_name IS DISTINCT FROM OLD.last_name THEN changed := changed || jsonb_build_object('lastName', NEW.last_name); END IF;
        IF TG_OP = 'INSERT' OR NEW.email IS DISTINCT FROM OLD.email THEN changed := changed || jsonb_build_object('email', NEW.email); END IF;
        IF TG_OP = 'INSERT' OR NEW.phone_e164 IS DISTINCT FROM OLD.phone_e164 THEN changed := changed || jsonb_build_object('phone', NEW.phone_e164); END IF;
        IF changed = '{}'::jsonb THEN
          RETURN NEW;
        END IF;
        FOR conn IN SELECT id FROM crm_connections WHERE workspace_id = NEW.workspace_id AND status = 'active' LOOP
          INSERT INTO crm_outbox (connection_id, contact_id, kind, payload)
          VALUES (conn.id, NEW.id, 'contact.fields', jsonb_build_object('fields', changed));
        END LOOP;
        RETURN NEW;
      END;
      $$ LANGUAGE plpgsql;
      CREATE TRIGGER contacts_crm_outbox AFTER INSERT OR UPDATE OF first_name, last_name, email, phone_e164 ON contacts
        FOR EACH ROW EXECUTE FUNCTION crm_outbox_contact_change();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER contacts_crm_outbox ON contacts;
      DROP FUNCTION crm_outbox_contact_change();
      DROP TABLE crm_conflicts;
      DROP TABLE crm_calls;
      DROP TABLE crm_outbox;
      DROP TABLE crm_links;
      DROP TABLE crm_connections;
    `);
  }
}
