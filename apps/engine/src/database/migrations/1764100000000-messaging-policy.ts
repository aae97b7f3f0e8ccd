import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The WhatsApp channel's policy gate and template registry: consent kept
 * apart for marketing and notifications, what each outbound message was
 * (for frequency rules), per-number pacing and limits, the portfolio's daily
 * recipient budget, and the templates of each WhatsApp account.
 */
export class MessagingPolicy1764100000000 implements MigrationInterface {
  name = 'MessagingPolicy1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE contacts
        ADD COLUMN marketing_consent text NOT NULL DEFAULT 'unknown' CHECK (marketing_consent IN ('unknown', 'opted_in', 'opted_out')),
        ADD COLUMN marketing_consent_at timestamptz,
        ADD COLUMN marketing_consent_source text,
        ADD COLUMN transactional_consent text NOT NULL DEFAULT 'unknown' CHECK (transactional_consent IN ('unknown', 'opted_in', 'opted_out')),
        ADD COLUMN transactional_consent_at timestamptz,
        ADD COLUMN transactional_consent_source text;

      ALTER TABLE messages
        ADD COLUMN category text,
        ADD COLUMN content_hash text,
        ADD COLUMN notification_key text,
        ADD COLUMN business_initiated boolean NOT NULL DEFAULT false,
        ADD COLUMN origin text;
      CREATE INDEX messages_outbound_contact_idx ON messages (contact_id, occurred_at DESC) WHERE direction = 'outbound';

      ALTER TABLE whatsapp_numbers
        ADD COLUMN messages_per_second integer NOT NULL DEFAULT 80 CHECK (messages_per_second BETWEEN 1 AND 10000),
        ADD COLUMN rate_tokens double precision,
        ADD COLUMN rate_at timestamptz,
        ADD COLUMN quality_rating text,
        ADD COLUMN messaging_limit text,
        ADD COLUMN limits_updated_at timestamptz,
        ADD COLUMN templates_synced_at timestamptz;

      CREATE TABLE recipient_admissions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        admitted_at timestamptz NOT NULL,
        slot_at timestamptz NOT NULL
      );
      CREATE INDEX recipient_admissions_window_idx ON recipient_admissions (workspace_id, admitted_at);
      CREATE INDEX recipient_admissions_contact_idx ON recipient_admissions (contact_id, admitted_at DESC);

      CREATE TABLE whatsapp_templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        waba_id text NOT NULL,
        meta_id text,
        name text NOT NULL,
        language text NOT NULL,
        category text NOT NULL,
        status text NOT NULL,
        status_reason text,
        components jsonb NOT NULL DEFAULT '[]',
        body_parameters integer NOT NULL DEFAULT 0,
        header_parameters integer NOT NULL DEFAULT 0,
        button_parameters integer NOT NULL DEFAULT 0,
        parameter_format text NOT NULL DEFAULT 'positional',
        synced_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, waba_id, name, language)
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE whatsapp_templates, recipient_admissions;
      ALTER TABLE whatsapp_numbers DROP COLUMN messages_per_second, DROP COLUMN rate_tokens, DROP COLUMN rate_at,
        DROP COLUMN quality_rating, DROP COLUMN messaging_limit, DROP COLUMN limits_updated_at, DROP COLUMN templates_synced_at;
      DROP INDEX messages_outbound_contact_idx;
      ALTER TABLE messages DROP COLUMN category, DROP COLUMN content_hash, DROP COLUMN notification_key,
        DROP COLUMN business_initiated, DROP COLUMN origin;
      ALTER TABLE contacts DROP COLUMN marketing_consent, DROP COLUMN marketing_consent_at, DROP COLUMN marketing_consent_source,
        DROP COLUMN transactional_consent, DROP COLUMN transactional_consent_at, DROP COLUMN transactional_consent_source;
    `);
  }
}
