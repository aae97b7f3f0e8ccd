import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The product catalogue: one standard code (SKU) per product with its
 * aliases, so free text from chats, orders and CRMs ("iPhone15 Pro Max") maps
 * to one code ("APL-IP15PM"). `product_aliases` holds the normalised keys
 * (code, name and aliases; see product-name-key.ts, which SQL's
 * `regexp_replace(lower(normalize(t, NFKD)), '[^a-z0-9]+', '', 'g')` equals) so
 * one key can name only one product. Names that matched nothing wait in
 * `unmapped_product_names` for a person to map. No contact data here.
 */
export class ProductCatalogue1765240000000 implements MigrationInterface {
  name = 'ProductCatalogue1765240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{0,63}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        aliases text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workspace_id, code)
      );
      CREATE INDEX products_workspace_name_idx ON products (workspace_id, lower(name));

      CREATE TABLE product_aliases (
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        alias_key text NOT NULL CHECK (length(alias_key) BETWEEN 1 AND 200),
        product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        PRIMARY KEY (workspace_id, alias_key)
      );
      CREATE INDEX product_aliases_product_idx ON product_aliases (product_id);

      CREATE TABLE unmapped_product_names (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        name_key text NOT NULL,
        name text NOT NULL,
        source text NOT NULL,
        occurrences integer NOT NULL DEFAULT 1,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mapped', 'dismissed')),
        product_id uuid REFERENCES products(id) ON DELETE SET NULL,
        decided_by_user_id uuid REFERENCES users(id),
        decided_at timestamptz,
        UNIQUE (workspace_id, name_key)
      );
      CREATE INDEX unmapped_product_names_open_idx ON unmapped_product_names (workspace_id, last_seen_at DESC) WHERE status = 'open';
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE unmapped_product_names, product_aliases, products');
  }
}
