import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tells every engine process when a workspace's published flows change
 * (publish, unpublish, rollback, archive, a new or deleted flow), so each can
 * keep the list in memory instead of reading it for every message
 * (`PublishedFlowsCache`). A trigger, so no writer of `flows` can forget it;
 * the notification is sent when the change commits.
 */
export class PublishedFlowsNotify1765261000000 implements MigrationInterface {
  name = 'PublishedFlowsNotify1765261000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION notify_published_flows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.published_version_id IS NOT DISTINCT FROM NEW.published_version_id THEN
          RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('parley_published_flows', OLD.workspace_id::text);
        ELSE
          PERFORM pg_notify('parley_published_flows', NEW.workspace_id::text);
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER flows_published_notify AFTER INSERT OR DELETE OR UPDATE OF published_version_id ON flows
        FOR EACH ROW EXECUTE FUNCTION notify_published_flows();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER flows_published_notify ON flows;
      DROP FUNCTION notify_published_flows();
    `);
  }
}
