import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Zoho CRM notification channels: until when the connection's channel is
 * subscribed (Zoho lets a channel live at most a day, so the sync renews it)
 * and the last error subscribing, shown on Settings → CRM.
 */
export class CrmZohoNotifications1765273000000 implements MigrationInterface {
  name = 'CrmZohoNotifications1765273000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm_connections ADD COLUMN notify_until timestamptz, ADD COLUMN notify_error text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE crm_connections DROP COLUMN notify_until, DROP COLUMN notify_error`);
  }
}
