import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contacts workspace: a contact merged into another is kept (hidden,
 * pointing at the one it went into) so the merge can be undone; the CRM ids
 * a contact is known by; duplicate candidates with why they matched; each
 * merge with everything it moved, for undo within 30 days; and the indexes
 * the list's search and filters need over hundreds of thousands of contacts.
 */
export class ContactsWorkspace1765140000000 implements MigrationInterface {
  name = 'ContactsWorkspace1765140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE contacts ADD COLUMN merged_into_id uuid REFERENCES contacts(id);

      -- The list: newest change first, cursor (updated_at, id); merged contacts are not listed.
      CREATE INDEX contacts_list_page_idx ON contacts (workspace_id, updated_at DESC, id DESC) WHERE merged_into_id IS NULL;
      -- Search by the start of a name, number or email, any case.
      CREATE INDEX contacts_first_name_search_idx ON contacts (workspace_id, lower(first_name) text_pattern_ops) WHERE merged_into_id IS NULL;
      CREATE INDEX contacts_last_name_search_idx ON contacts (workspace_id, lower(last_name) text_pattern_ops) WHERE merged_into_id IS NULL;
      CREATE INDEX contacts_display_name_search_idx ON contacts (workspace_id, lower(display_name) text_pattern_ops) WHERE merged_into_id IS NULL;
      CREATE INDEX contacts_phone_search_idx ON contacts (workspace_id, phone_e164 text_pattern_ops) WHERE merged_into_id IS NULL;
      CREATE INDEX contacts_email_search_idx ON contacts (workspace_id, lower(email) text_pattern_ops) WHERE merged_into_id IS NULL;
      CREATE INDEX contacts_lead_source_idx ON contacts (workspace_id, (fields ->> 'lead_source')) WHERE merged_into_id IS NULL;
      -- A merge moves every row that references the merged contact: each reference needs an index to be found by.
      CREATE INDEX contacts_merged_into_idx ON contacts (merged_into_id) WHERE merged_into_id IS NOT NULL;
      CREATE INDEX tasks_contact_idx ON tasks (contact_id);
      CREATE INDEX coupons_contact_idx ON coupons (contact_id);
      CREATE INDEX message_changes_contact_idx ON message_changes (contact_id);
      CREATE INDEX automation_pauses_contact_idx ON automation_pauses (contact_id);
      CREATE INDEX waits_all_contact_idx ON waits (contact_id);
      CREATE INDEX contact_identity_history_moved_idx ON contact_identity_history (moved_to_contact_id) WHERE moved_to_contact_id IS NOT NULL;
      CREATE INDEX contacts_last_inbound_idx ON contacts (workspace_id, last_inbound_at) WHERE merged_into_id IS NULL;

      CREATE TABLE contact_crm_ids (
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        system text NOT NULL CHECK (system IN ('hubspot', 'zoho', 'salesforce', 'other')),
        external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
        url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (contact_id, system, external_id)
      );
      CREATE INDEX contact_crm_ids_lookup_idx ON contact_crm_ids (workspace_id, system, external_id);

      CREATE TABLE duplicate_candidates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        contact_a_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        contact_b_id uuid NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
        reasons jsonb NOT NULL,
        score numeric(4, 3) NOT NULL CHECK (score BETWEEN 0 AND 1),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'dismissed')),
        detected_by text NOT NULL,
        detected_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        decided_by_user_id uuid REFERENCES users(id),
        CHECK (contact_a_id < contact_b_id),
        UNIQUE (workspace_id, contact_a_id, contact_b_id)
      );
      CREATE INDEX duplicate_candidates_open_idx ON duplicate_candidates (workspace_id, score DESC, id) WHERE status = 'open';

      -- Where the duplicate check stands per workspace: contacts created after new_contacts_after are checked next.
      CREATE TABLE duplicate_scan_state (
        workspace_id uuid PRIMARY KEY REFERENCES workspaces(id),
        new_contacts_after timestamptz NOT NULL,
        last_full_scan_at timestamptz
      );

      CREATE TABLE contact_merges (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        kept_contact_id uuid NOT NULL REFERENCES contacts(id),
        merged_contact_id uuid NOT NULL REFERENCES contacts(id),
        candidate_id uuid REFERENCES duplicate_candidates(id) ON DELETE SET NULL,
        kept_before jsonb NOT NULL,
        merged_before jsonb NOT NULL,
        moved jsonb NOT NULL,
        choices jsonb NOT NULL DEFAULT '{}',
        automatic boolean NOT NULL DEFAULT false,
        merged_by_user_id uuid REFERENCES users(id),
        merged_at timestamptz NOT NULL DEFAULT now(),
        undo_until timestamptz NOT NULL,
        undone_at timestamptz,
        undone_by_user_id uuid REFERENCES users(id)
      );
      CREATE INDEX contact_merges_kept_idx ON contact_merges (kept_contact_id, merged_at DESC);
      CREATE INDEX contact_merges_merged_idx ON contact_merges (merged_contact_id, merged_at DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE contact_merges, duplicate_scan_state, duplicate_candidates, contact_crm_ids;
      DROP INDEX tasks_contact_idx, coupons_contact_idx, message_changes_contact_idx, automation_pauses_contact_idx,
        waits_all_contact_idx, contact_identity_history_moved_idx;
      DROP INDEX contacts_list_page_idx, contacts_first_name_search_idx, contacts_last_name_search_idx,
        contacts_display_name_search_idx, contacts_phone_search_idx, contacts_email_search_idx,
        contacts_lead_source_idx, contacts_last_inbound_idx;
      ALTER TABLE contacts DROP COLUMN merged_into_id;
    `);
  }
}
