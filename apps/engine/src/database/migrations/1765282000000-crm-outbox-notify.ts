import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CRM outbox push runs on its own, woken when a change is queued rather
 * than by the sync round (which also pulls and collects chat history): a
 * statement trigger notifies `parley_crm_outbox` with each connection that got
 * rows, when the insert commits (`CrmPushLoop`). The push keeps its own lease
 * on the connection, apart from the round's, so one process at a time pushes
 * a connection (its rate limits are counted in that process) while another
 * may pull.
 */
export class CrmOutboxNotify1765282000000 implements MigrationInterface {
  name = 'CrmOutboxNotify1765282000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE crm_connections ADD COLUMN push_lease_token uuid, ADD COLUMN push_lease_until timestamptz;
      CREATE FUNCTION notify_crm_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('parley_crm_outbox', connection_id::text) FROM (SELECT DISTINCT connection_id FROM inserted) AS queued;
        RETURN NULL;
      END $$;
      CREATE TRIGGER crm_outbox_notify AFTER INSERT ON crm_outbox
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION notify_crm_outbox();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER crm_outbox_notify ON crm_outbox;
      DROP FUNCTION notify_crm_outbox();
      ALTER TABLE crm_connections DROP COLUMN push_lease_token, DROP COLUMN push_lease_until;
    `);
  }
}
