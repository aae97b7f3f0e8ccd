import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The support console: one conversation per contact and WhatsApp number,
 * with its status, assignee, read markers per agent, private notes and
 * activity; every message knows its conversation, who sent it and why it
 * failed; media the customer sends is kept by Parley; canned replies; and
 * the workspace event stream that live views follow (`GET /api/stream`).
 */
export class Conversations1764500000000 implements MigrationInterface {
  name = 'Conversations1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid NOT NULL REFERENCES contacts(id),
        whatsapp_number_id uuid NOT NULL REFERENCES whatsapp_numbers(id),
        status text NOT NULL CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
        snoozed_until timestamptz,
        assignee_user_id uuid REFERENCES users(id),
        waiting_since timestamptz,
        last_message_id uuid,
        last_message_at timestamptz,
        last_message_preview text,
        last_message_direction text,
        last_activity_at timestamptz NOT NULL,
        last_inbound_at timestamptz,
        inbound_count integer NOT NULL DEFAULT 0,
        resolved_inbound_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (contact_id, whatsapp_number_id)
      );
      CREATE INDEX conversations_activity_idx ON conversations (workspace_id, status, last_activity_at DESC, id DESC);
      CREATE INDEX conversations_assignee_idx ON conversations (workspace_id, assignee_user_id, status, last_activity_at DESC, id DESC);
      CREATE INDEX conversations_waiting_idx ON conversations (workspace_id, status, waiting_since, id) WHERE waiting_since IS NOT NULL;
      CREATE INDEX conversations_snoozed_idx ON conversations (snoozed_until) WHERE status = 'snoozed' AND snoozed_until IS NOT NULL;

      CREATE TABLE conversation_reads (
        conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        inbound_seen integer NOT NULL,
        read_at timestamptz NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      );

      CREATE TABLE conversation_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('note', 'activity')),
        author_user_id uuid REFERENCES users(id),
        text text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX conversation_notes_timeline_idx ON conversation_notes (conversation_id, occurred_at DESC, created_at DESC, id DESC);

      ALTER TABLE messages
        ADD COLUMN conversation_id uuid REFERENCES conversations(id),
        ADD COLUMN sent_by_user_id uuid REFERENCES users(id),
        ADD COLUMN error_code text,
        ADD COLUMN error_title text;

      INSERT INTO conversations (workspace_id, contact_id, whatsapp_number_id, status, last_activity_at, last_message_at, last_inbound_at, inbound_count)
      SELECT workspace_id, contact_id, whatsapp_number_id, 'open', max(occurred_at), max(occurred_at),
             max(occurred_at) FILTER (WHERE direction = 'inbound'), count(*) FILTER (WHERE direction = 'inbound')
        FROM messages GROUP BY workspace_id, contact_id, whatsapp_number_id;
      UPDATE messages m SET conversation_id = c.id
        FROM conversations c WHERE c.contact_id = m.contact_id AND c.whatsapp_number_id = m.whatsapp_number_id;
      CREATE INDEX messages_conversation_idx ON messages (conversation_id, occurred_at DESC, created_at DESC, id DESC);
      -- Message search in the inbox: words, any language (no stemming).
      CREATE INDEX messages_search_idx ON messages USING gin (to_tsvector('simple', coalesce(text, ''))) WHERE text IS NOT NULL;

      CREATE TABLE media_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        message_id uuid REFERENCES messages(id) ON DELETE CASCADE,
        whatsapp_number_id uuid NOT NULL REFERENCES whatsapp_numbers(id),
        direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        kind text NOT NULL CHECK (kind IN ('image', 'audio', 'video', 'document', 'sticker')),
        meta_media_id text,
        mime_type text,
        size_bytes bigint,
        sha256 text,
        filename text,
        storage_key text,
        thumbnail_key text,
        status text NOT NULL CHECK (status IN ('pending', 'stored', 'failed', 'rejected')),
        error text,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        uploaded_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        stored_at timestamptz
      );
      CREATE INDEX media_files_pending_idx ON media_files (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX media_files_message_idx ON media_files (message_id) WHERE message_id IS NOT NULL;

      CREATE TABLE canned_replies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        shortcut text NOT NULL CHECK (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
        text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4096),
        created_by_user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, shortcut)
      );

      -- The live stream: rows get their public, gap-free number (seq) in commit order from the sequencer.
      CREATE SEQUENCE stream_event_seq;
      CREATE TABLE stream_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        seq bigint UNIQUE,
        workspace_id uuid NOT NULL,
        user_id uuid,
        type text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX stream_events_unsequenced_idx ON stream_events (id) WHERE seq IS NULL;
      CREATE INDEX stream_events_workspace_idx ON stream_events (workspace_id, seq);
      CREATE INDEX stream_events_created_idx ON stream_events (created_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE stream_events;
      DROP SEQUENCE stream_event_seq;
      DROP TABLE canned_replies, media_files;
      DROP INDEX messages_search_idx;
      DROP INDEX messages_conversation_idx;
      ALTER TABLE messages DROP COLUMN conversation_id, DROP COLUMN sent_by_user_id, DROP COLUMN error_code, DROP COLUMN error_title;
      DROP TABLE conversation_notes, conversation_reads, conversations;
    `);
  }
}
