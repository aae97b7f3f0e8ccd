import type { SqlExecutor } from '../database/sql-rows';
import { sqlRows } from '../database/sql-rows';
import { z } from 'zod';
import { productNameKeySql } from '../contacts/products/product-name-key';

const LINE_KEYS = ['sku', 'code', 'name', 'title', 'product'].map((k) => productNameKeySql(`item ->> '${k}'`));

/**
 * Gives the catalogue code to order lines already stored that name a product
 * by one of `keys` (a name just mapped by a person, an alias just added), so
 * reports and the "same SKU within 90 days" duplicate rule see one code. Lines
 * whose sku already is some product's code are left alone. Orders belong to
 * the CRM event intake; this is its one rewrite of stored lines.
 */
export async function recodeOrderItems(executor: SqlExecutor, workspaceId: string, keys: readonly string[], code: string): Promise<number> {
  if (keys.length === 0) return 0;
  const matches = `jsonb_typeof(item) = 'object'
        AND (${LINE_KEYS.map((k) => `${k} = ANY($2::text[])`).join(' OR ')})
        AND (item ->> 'sku') IS DISTINCT FROM $3
        AND NOT EXISTS (SELECT 1 FROM products p WHERE p.workspace_id = $1 AND p.code = item ->> 'sku')`;
  const rows = await sqlRows(
    executor,
    z.object({ id: z.string() }),
    `UPDATE orders o SET items = (
        SELECT jsonb_agg(CASE WHEN ${matches}
                              THEN item || jsonb_build_object('sku', $3::text)
                                   || CASE WHEN item ? 'sku' THEN jsonb_build_object('source_sku', item -> 'sku') ELSE '{}'::jsonb END
                              ELSE item END ORDER BY ord)
          FROM jsonb_array_elements(o.items) WITH ORDINALITY AS e(item, ord)),
        updated_at = now()
      WHERE o.workspace_id = $1 AND jsonb_typeof(o.items) = 'array'
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(o.items) AS e(item) WHERE ${matches})
      RETURNING o.id`,
    [workspaceId, keys, code],
  );
  return rows.length;
}
