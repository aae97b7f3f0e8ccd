import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A customer keeps their contact when their number or BSUID changes: the
 * identities a contact no longer has are kept with when they stopped being its
 * own (late messages from the old number still find it). Edits and
 * revocations of a customer's messages are kept against the message they
 * change, even when they arrive before it; a message says which one it replies
 * or reacts to. A webhook delivery says what became of it, `rejected` for a
 * body beyond the webhook limits (kept as received, never processed).
 */
export class ContactIdentityAndMessageChanges1764440000000 implements MigrationInterface {
  name = 'ContactIdentityAndMessageChanges1764440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE contact_identity_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('wa_id', 'bsuid')),
        value text NOT NULL,
        replaced_by text,
        reason text NOT NULL CHECK (reason IN ('number_changed', 'user_id_changed', 'moved_to_contact')),
        moved_to_contact_id uuid REFERENCES contacts(id) ON DELETE SET NULL,
        ended_at timestamptz NOT NULL,
        source text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX contact_identity_history_lookup_idx ON contact_identity_history (workspace_id, kind, value, ended_at DESC);
      CREATE INDEX contact_identity_history_contact_idx ON contact_identity_history (contact_id, created_at);

      ALTER TABLE messages
        ADD COLUMN reply_to_wamid text,
        ADD COLUMN reacts_to_wamid text,
        ADD COLUMN edited_at timestamptz,
        ADD COLUMN revoked_at timestamptz;
      UPDATE messages
         SET reply_to_wamid = payload #>> '{context,id}',
             reacts_to_wamid = CASE WHEN type = 'reaction' THEN payload #>> '{reaction,message_id}' END
       WHERE direction = 'inbound' AND (payload ? 'context' OR type = 'reaction');
      CREATE INDEX messages_reply_to_idx ON messages (workspace_id, reply_to_wamid) WHERE reply_to_wamid IS NOT NULL;
      CREATE INDEX messages_reacts_to_idx ON messages (workspace_id, reacts_to_wamid) WHERE reacts_to_wamid IS NOT NULL;

      CREATE TABLE message_changes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid NOT NULL REFERENCES contacts(id),
        wamid text NOT NULL UNIQUE,
        original_wamid text NOT NULL,
        message_id uuid REFERENCES messages(id),
        kind text NOT NULL CHECK (kind IN ('edit', 'revoke')),
        text text,
        content_type text,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        applied_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX message_changes_original_idx ON message_changes (workspace_id, original_wamid);
      CREATE INDEX message_changes_message_idx ON message_changes (message_id, occurred_at) WHERE message_id IS NOT NULL;

      ALTER TABLE webhook_deliveries
        ADD COLUMN status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processed', 'parked', 'rejected'));
      -- Before this column a parked delivery was one given up after its 5 attempts, with its error.
      UPDATE webhook_deliveries
         SET status = CASE WHEN processed_at IS NULL THEN 'pending'
                           WHEN attempts >= 5 AND last_error IS NOT NULL THEN 'parked'
                           ELSE 'processed' END;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE webhook_deliveries DROP COLUMN status;
      DROP TABLE message_changes;
      DROP INDEX messages_reacts_to_idx;
      DROP INDEX messages_reply_to_idx;
      ALTER TABLE messages DROP COLUMN revoked_at, DROP COLUMN edited_at, DROP COLUMN reacts_to_wamid, DROP COLUMN reply_to_wamid;
      DROP TABLE contact_identity_history;
    `);
  }
}
