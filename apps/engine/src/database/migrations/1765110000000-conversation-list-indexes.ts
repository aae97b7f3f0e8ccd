import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox list at scale (issue 11 benchmark: 100,000 conversations).
 *
 * - Indexes in the order each tab sorts, so the first page is read from an
 *   index and stops after one page: the default "active" view (open or
 *   pending) by last activity or by longest wait, for everyone or one
 *   assignee (nobody = NULL), every status by last activity, and one status
 *   by longest wait. Before, a page joined and sorted every active row.
 * - Tab counts (Mine / Unassigned / All) kept per workspace, status and
 *   assignee by a trigger, so a list call reads a handful of rows instead of
 *   counting every active conversation. The trigger only appends a change
 *   (+1/-1) to `conversation_count_changes`: concurrent writers never wait on
 *   one hot counter row. Upkeep folds the changes into `conversation_counts`
 *   in one transaction (readers add both tables, so they never see a change
 *   twice or miss one).
 */
export class ConversationListIndexes1765110000000 implements MigrationInterface {
  name = 'ConversationListIndexes1765110000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX conversations_active_activity_idx ON conversations (workspace_id, last_activity_at DESC, id DESC)
        WHERE status IN ('open', 'pending');
      CREATE INDEX conversations_active_assignee_activity_idx ON conversations (workspace_id, assignee_user_id, last_activity_at DESC, id DESC)
        WHERE status IN ('open', 'pending');
      CREATE INDEX conversations_active_waiting_idx ON conversations (workspace_id, (coalesce(waiting_since, 'infinity'::timestamptz)), id)
        WHERE status IN ('open', 'pending');
      CREATE INDEX conversations_active_assignee_waiting_idx
        ON conversations (workspace_id, assignee_user_id, (coalesce(waiting_since, 'infinity'::timestamptz)), id)
        WHERE status IN ('open', 'pending');
      CREATE INDEX conversations_all_activity_idx ON conversations (workspace_id, last_activity_at DESC, id DESC);
      DROP INDEX conversations_waiting_idx;
      CREATE INDEX conversations_waiting_idx ON conversations (workspace_id, status, (coalesce(waiting_since, 'infinity'::timestamptz)), id);

      -- Nobody is stored as the nil UUID, so (workspace, status, assignee) is a plain unique key.
      CREATE TABLE conversation_counts (
        workspace_id uuid NOT NULL,
        status text NOT NULL,
        assignee_key uuid NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (workspace_id, status, assignee_key)
      );
      CREATE TABLE conversation_count_changes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        workspace_id uuid NOT NULL,
        status text NOT NULL,
        assignee_key uuid NOT NULL,
        delta integer NOT NULL
      );
      CREATE INDEX conversation_count_changes_workspace_idx ON conversation_count_changes (workspace_id);

      CREATE FUNCTION conversation_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          INSERT INTO conversation_count_changes (workspace_id, status, assignee_key, delta)
          VALUES (OLD.workspace_id, OLD.status, coalesce(OLD.assignee_user_id, '00000000-0000-0000-0000-000000000000'), -1);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
          INSERT INTO conversation_count_changes (workspace_id, status, assignee_key, delta)
          VALUES (NEW.workspace_id, NEW.status, coalesce(NEW.assignee_user_id, '00000000-0000-0000-0000-000000000000'), 1);
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER conversation_counts_insert_delete AFTER INSERT OR DELETE ON conversations
        FOR EACH ROW EXECUTE FUNCTION conversation_count_change();
      -- Most updates (a new message) change neither: they write nothing here.
      CREATE TRIGGER conversation_counts_update AFTER UPDATE OF status, assignee_user_id, workspace_id ON conversations
        FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.assignee_user_id IS DISTINCT FROM NEW.assignee_user_id
                           OR OLD.workspace_id IS DISTINCT FROM NEW.workspace_id)
        EXECUTE FUNCTION conversation_count_change();

      LOCK TABLE conversations IN SHARE MODE;
      INSERT INTO conversation_counts (workspace_id, status, assignee_key, n)
      SELECT workspace_id, status, coalesce(assignee_user_id, '00000000-0000-0000-0000-000000000000'), count(*)
        FROM conversations GROUP BY 1, 2, 3;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER conversation_counts_update ON conversations;
      DROP TRIGGER conversation_counts_insert_delete ON conversations;
      DROP FUNCTION conversation_count_change();
      DROP TABLE conversation_count_changes, conversation_counts;
      DROP INDEX conversations_waiting_idx;
      CREATE INDEX conversations_waiting_idx ON conversations (workspace_id, status, waiting_since, id) WHERE waiting_since IS NOT NULL;
      DROP INDEX conversations_all_activity_idx, conversations_active_assignee_waiting_idx, conversations_active_waiting_idx,
        conversations_active_assignee_activity_idx, conversations_active_activity_idx;
    `);
  }
}
