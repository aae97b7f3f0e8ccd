import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contacts list filtered by a tag, in the list's order (updated_at, id
 * newest first), without reading the tag's every contact. The walk of the
 * list's own index reads contacts until enough carry the tag (121,000 rows
 * for 51 "vip" at 1.2 M contacts), and joining from the tag's rows sorts
 * them all (50,000). So each tag row carries its contact's updated_at, kept
 * by triggers (a tag added or moved by a merge reads it; a contact whose
 * updated_at changes writes it to its tags), and an index orders a tag's
 * rows by it: a page is the first rows of that index.
 */
export class ContactTagsListOrder1765282000001 implements MigrationInterface {
  name = 'ContactTagsListOrder1765282000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE contact_tags ADD COLUMN contact_updated_at timestamptz;
      UPDATE contact_tags t SET contact_updated_at = c.updated_at FROM contacts c WHERE c.id = t.contact_id;
      ALTER TABLE contact_tags ALTER COLUMN contact_updated_at SET NOT NULL;
      CREATE INDEX contact_tags_list_order_idx ON contact_tags (workspace_id, tag, contact_updated_at DESC, contact_id DESC);

      CREATE FUNCTION contact_tags_take_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT updated_at INTO NEW.contact_updated_at FROM contacts WHERE id = NEW.contact_id;
        RETURN NEW;
      END $$;
      CREATE TRIGGER contact_tags_updated_at BEFORE INSERT OR UPDATE OF contact_id ON contact_tags
        FOR EACH ROW EXECUTE FUNCTION contact_tags_take_updated_at();

      CREATE FUNCTION contacts_give_tags_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE contact_tags SET contact_updated_at = NEW.updated_at WHERE contact_id = NEW.id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER contacts_tags_updated_at AFTER UPDATE ON contacts
        FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at) EXECUTE FUNCTION contacts_give_tags_updated_at();
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER contacts_tags_updated_at ON contacts;
      DROP FUNCTION contacts_give_tags_updated_at();
      DROP TRIGGER contact_tags_updated_at ON contact_tags;
      DROP FUNCTION contact_tags_take_updated_at();
      DROP INDEX contact_tags_list_order_idx;
      ALTER TABLE contact_tags DROP COLUMN contact_updated_at;
    `);
  }
}
