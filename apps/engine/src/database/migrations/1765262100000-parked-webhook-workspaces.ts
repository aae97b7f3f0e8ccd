import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A parked WhatsApp delivery carries the workspaces it speaks for, resolved
 * when it is parked from its phone number ids (and business account ids)
 * against the numbers on record, so each workspace finds its own parked
 * deliveries by an index instead of scanning the newest few hundred of the
 * installation. An array: one delivery can carry entries of several
 * businesses. The resolving function never fails (a body that is not JSON
 * speaks for nobody), so parking a broken delivery still parks it.
 */
export class ParkedWebhookWorkspaces1765262100000 implements MigrationInterface {
  name = 'ParkedWebhookWorkspaces1765262100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE webhook_deliveries ADD COLUMN workspace_ids uuid[] NOT NULL DEFAULT '{}';

      CREATE FUNCTION parley_webhook_workspaces(body bytea) RETURNS uuid[] LANGUAGE plpgsql STABLE AS $$
      DECLARE
        doc jsonb;
      BEGIN
        doc := convert_from(body, 'UTF8')::jsonb;
        IF jsonb_typeof(doc -> 'entry') IS DISTINCT FROM 'array' THEN
          RETURN '{}';
        END IF;
        RETURN ARRAY(
          SELECT DISTINCT n.workspace_id FROM whatsapp_numbers n
           WHERE n.phone_number_id IN (
                   SELECT c -> 'value' -> 'metadata' ->> 'phone_number_id'
                     FROM jsonb_array_elements(doc -> 'entry') e
                    CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(e -> 'changes') = 'array' THEN e -> 'changes' ELSE '[]' END) c)
              OR (n.waba_id <> '' AND n.waba_id IN (SELECT e ->> 'id' FROM jsonb_array_elements(doc -> 'entry') e))
           ORDER BY n.workspace_id);
      EXCEPTION WHEN others THEN
        RETURN '{}';
      END $$;

      UPDATE webhook_deliveries SET workspace_ids = parley_webhook_workspaces(body) WHERE status = 'parked';
      CREATE INDEX webhook_deliveries_parked_workspaces_idx ON webhook_deliveries USING gin (workspace_ids) WHERE status = 'parked';
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX webhook_deliveries_parked_workspaces_idx;
      DROP FUNCTION parley_webhook_workspaces(bytea);
      ALTER TABLE webhook_deliveries DROP COLUMN workspace_ids;
    `);
  }
}
