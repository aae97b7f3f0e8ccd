import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../../audit/audit.service';
import { recodeOrderItems } from '../../crm/order-item-recode';
import type { SqlExecutor } from '../../database/sql-rows';
import { sqlRow, sqlRows } from '../../database/sql-rows';
import type { ProductInput } from './product-input';
import { productNameKey } from './product-name-key';

const productRow = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  created_at: z.date(),
  updated_at: z.date(),
});
export interface ProductView {
  id: string;
  code: string;
  name: string;
  aliases: string[];
  createdAt: string;
  updatedAt: string;
}

const unmappedRow = z.object({
  id: z.string(),
  name: z.string(),
  source: z.string(),
  occurrences: z.number(),
  first_seen_at: z.date(),
  last_seen_at: z.date(),
  status: z.enum(['open', 'mapped', 'dismissed']),
  product_code: z.string().nullable(),
});
export interface UnmappedNameView {
  id: string;
  name: string;
  source: string;
  occurrences: number;
  firstSeenAt: string;
  lastSeenAt: string;
  status: 'open' | 'mapped' | 'dismissed';
  productCode: string | null;
}

interface Actor {
  workspaceId: string;
  userId: string | null;
}

function productView(row: z.infer<typeof productRow>): ProductView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    aliases: row.aliases,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function unmappedView(row: z.infer<typeof unmappedRow>): UnmappedNameView {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    occurrences: row.occurrences,
    firstSeenAt: row.first_seen_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    status: row.status,
    productCode: row.product_code,
  };
}

/** The keys a product is found by: its code, its name and each alias. */
function keysOf(input: ProductInput): string[] {
  return [...new Set([input.code, input.name, ...input.aliases].map(productNameKey).filter((k) => k !== ''))];
}

const PRODUCT_COLUMNS = 'id, code, name, aliases, created_at, updated_at';
const UNMAPPED_SQL = `SELECT u.id, u.name, u.source, u.occurrences, u.first_seen_at, u.last_seen_at, u.status, p.code AS product_code
  FROM unmapped_product_names u LEFT JOIN products p ON p.id = u.product_id`;

/**
 * The product catalogue (owns products, product_aliases and
 * unmapped_product_names): codes with their aliases, matching free text to a
 * code, and the queue of names nobody has mapped yet.
 */
@Injectable()
export class ProductCatalogueService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(workspaceId: string, query: { q: string | null; limit: number }): Promise<ProductView[]> {
    const q = query.q === null ? null : query.q.trim();
    const key = q === null ? '' : productNameKey(q);
    const rows = await sqlRows(
      this.dataSource,
      productRow,
      `SELECT ${PRODUCT_COLUMNS} FROM products p
        WHERE p.workspace_id = $1
          AND ($2::text IS NULL OR p.code ILIKE $3 OR p.name ILIKE $3
               OR ($4 <> '' AND EXISTS (SELECT 1 FROM product_aliases a WHERE a.product_id = p.id AND a.alias_key LIKE $4 || '%')))
        ORDER BY p.code LIMIT $5`,
      [workspaceId, q, `%${(q ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`, key, query.limit],
    );
    return rows.map(productView);
  }

  async create(actor: Actor, input: ProductInput): Promise<ProductView> {
    return this.dataSource.transaction(async (manager) => {
      const taken = await sqlRow(manager, z.object({ id: z.string() }), 'SELECT id FROM products WHERE workspace_id = $1 AND code = $2', [
        actor.workspaceId,
        input.code,
      ]);
      if (taken) throw new ConflictException(`code: ${input.code} already exists`);
      const row = await sqlRow(
        manager,
        productRow,
        `INSERT INTO products (workspace_id, code, name, aliases) VALUES ($1, $2, $3, $4) RETURNING ${PRODUCT_COLUMNS}`,
        [actor.workspaceId, input.code, input.name, [...new Set(input.aliases)]],
      );
      if (!row) throw new Error('INSERT returned nothing');
      await this.claimKeys(manager, actor.workspaceId, row.id, input);
      await this.settleQueued(manager, actor, row.id, input.code, keysOf(input));
      await this.audit.record(
        { workspaceId: actor.workspaceId, actorUserId: actor.userId, action: 'product.created', subjectType: 'product', subjectId: row.id },
        manager,
      );
      return productView(row);
    });
  }

  async update(actor: Actor, id: string, input: ProductInput): Promise<ProductView> {
    return this.dataSource.transaction(async (manager) => {
      const before = await sqlRow(
        manager,
        productRow,
        `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
        [id, actor.workspaceId],
      );
      if (!before) throw new NotFoundException('No product with this id in this workspace.');
      if (before.code !== input.code) {
        const taken = await sqlRow(manager, z.object({ id: z.string() }), 'SELECT id FROM products WHERE workspace_id = $1 AND code = $2', [
          actor.workspaceId,
          input.code,
        ]);
        if (taken) throw new ConflictException(`code: ${input.code} already exists`);
      }
      const row = await sqlRow(
        manager,
        productRow,
        `UPDATE products SET code = $3, name = $4, aliases = $5, updated_at = now() WHERE id = $1 AND workspace_id = $2 RETURNING ${PRODUCT_COLUMNS}`,
        [id, actor.workspaceId, input.code, input.name, [...new Set(input.aliases)]],
      );
      if (!row) throw new NotFoundException('No product with this id in this workspace.');
      await manager.query('DELETE FROM product_aliases WHERE product_id = $1', [id]);
      await this.claimKeys(manager, actor.workspaceId, id, input);
      await this.settleQueued(manager, actor, id, input.code, keysOf(input));
      await this.audit.record(
        {
          workspaceId: actor.workspaceId,
          actorUserId: actor.userId,
          action: 'product.updated',
          subjectType: 'product',
          subjectId: id,
          details: { before: { code: before.code, name: before.name, aliases: before.aliases } },
        },
        manager,
      );
      return productView(row);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const removed = await sqlRows(
        manager,
        z.object({ id: z.string() }),
        'DELETE FROM products WHERE id = $1 AND workspace_id = $2 RETURNING id',
        [id, actor.workspaceId],
      );
      if (removed.length === 0) throw new NotFoundException('No product with this id in this workspace.');
      await this.audit.record(
        { workspaceId: actor.workspaceId, actorUserId: actor.userId, action: 'product.deleted', subjectType: 'product', subjectId: id },
        manager,
      );
    });
  }

  /** The product free text names (by code, name or alias), or null. */
  async match(workspaceId: string, text: string): Promise<ProductView | null> {
    const key = productNameKey(text);
    if (key === '') return null;
    const row = await sqlRow(
      this.dataSource,
      productRow,
      `SELECT p.id, p.code, p.name, p.aliases, p.created_at, p.updated_at FROM product_aliases a JOIN products p ON p.id = a.product_id
        WHERE a.workspace_id = $1 AND a.alias_key = $2`,
      [workspaceId, key],
    );
    return row ? productView(row) : null;
  }

  /** Code by key for the keys that name a product (for order intake, inside its transaction). */
  async codesFor(executor: SqlExecutor, workspaceId: string, keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await sqlRows(
      executor,
      z.object({ alias_key: z.string(), code: z.string() }),
      `SELECT a.alias_key, p.code FROM product_aliases a JOIN products p ON p.id = a.product_id
        WHERE a.workspace_id = $1 AND a.alias_key = ANY($2::text[])`,
      [workspaceId, keys],
    );
    return new Map(rows.map((r) => [r.alias_key, r.code]));
  }

  /** Queues names that matched nothing (counting repeats); a name someone dismissed stays dismissed. */
  async queueUnmatched(
    executor: SqlExecutor,
    workspaceId: string,
    names: readonly { key: string; name: string }[],
    source: string,
  ): Promise<void> {
    if (names.length === 0) return;
    await executor.query(
      `INSERT INTO unmapped_product_names (workspace_id, name_key, name, source)
       SELECT $1, k, n, $4 FROM unnest($2::text[], $3::text[]) AS t(k, n)
       ON CONFLICT (workspace_id, name_key) DO UPDATE SET occurrences = unmapped_product_names.occurrences + 1, last_seen_at = now(),
         -- Seen again unmatched after being mapped: its product (or alias) was removed since.
         status = CASE WHEN unmapped_product_names.status = 'mapped' THEN 'open' ELSE unmapped_product_names.status END`,
      [workspaceId, names.map((n) => n.key), names.map((n) => n.name), source],
    );
  }

  async listUnmapped(workspaceId: string, status: 'open' | 'mapped' | 'dismissed', limit: number): Promise<UnmappedNameView[]> {
    const rows = await sqlRows(
      this.dataSource,
      unmappedRow,
      `${UNMAPPED_SQL} WHERE u.workspace_id = $1 AND u.status = $2 ORDER BY u.occurrences DESC, u.last_seen_at DESC, u.id LIMIT $3`,
      [workspaceId, status, limit],
    );
    return rows.map(unmappedView);
  }

  /** "Map to…": the name becomes an alias of the product, and orders already stored with it get the code. */
  async mapName(actor: Actor, unmappedId: string, productId: string): Promise<{ name: UnmappedNameView; ordersUpdated: number }> {
    return this.dataSource.transaction(async (manager) => {
      const queued = await sqlRow(
        manager,
        z.object({ name_key: z.string(), name: z.string(), status: z.string() }),
        'SELECT name_key, name, status FROM unmapped_product_names WHERE id = $1 AND workspace_id = $2 FOR UPDATE',
        [unmappedId, actor.workspaceId],
      );
      if (!queued) throw new NotFoundException('No unmapped name with this id in this workspace.');
      if (queued.status !== 'open') throw new ConflictException(`This name was already ${queued.status}.`);
      const product = await sqlRow(
        manager,
        z.object({ id: z.string(), code: z.string(), aliases: z.array(z.string()) }),
        'SELECT id, code, aliases FROM products WHERE id = $1 AND workspace_id = $2 FOR UPDATE',
        [productId, actor.workspaceId],
      );
      if (!product) throw new NotFoundException('productId: no product with this id in this workspace.');
      const holder = await sqlRow(
        manager,
        z.object({ code: z.string(), id: z.string() }),
        `SELECT p.code, p.id FROM product_aliases a JOIN products p ON p.id = a.product_id WHERE a.workspace_id = $1 AND a.alias_key = $2`,
        [actor.workspaceId, queued.name_key],
      );
      if (holder && holder.id !== product.id) throw new ConflictException(`"${queued.name}" already names ${holder.code}.`);
      if (!holder) {
        await manager.query('INSERT INTO product_aliases (workspace_id, alias_key, product_id) VALUES ($1, $2, $3)', [
          actor.workspaceId,
          queued.name_key,
          product.id,
        ]);
        await manager.query('UPDATE products SET aliases = array_append(aliases, $2), updated_at = now() WHERE id = $1', [
          product.id,
          queued.name,
        ]);
      }
      const ordersUpdated = await this.settleQueued(manager, actor, product.id, product.code, [queued.name_key]);
      await this.audit.record(
        {
          workspaceId: actor.workspaceId,
          actorUserId: actor.userId,
          action: 'product.name_mapped',
          subjectType: 'product',
          subjectId: product.id,
          details: { name: queued.name, code: product.code, ordersUpdated },
        },
        manager,
      );
      const row = await sqlRow(manager, unmappedRow, `${UNMAPPED_SQL} WHERE u.id = $1`, [unmappedId]);
      if (!row) throw new NotFoundException('No such name.');
      return { name: unmappedView(row), ordersUpdated };
    });
  }

  async dismissName(actor: Actor, unmappedId: string): Promise<UnmappedNameView> {
    return this.dataSource.transaction(async (manager) => {
      const updated = await sqlRows(
        manager,
        z.object({ id: z.string() }),
        `UPDATE unmapped_product_names SET status = 'dismissed', decided_by_user_id = $3, decided_at = now()
          WHERE id = $1 AND workspace_id = $2 AND status = 'open' RETURNING id`,
        [unmappedId, actor.workspaceId, actor.userId],
      );
      if (updated.length === 0) throw new NotFoundException('No open unmapped name with this id in this workspace.');
      await this.audit.record(
        {
          workspaceId: actor.workspaceId,
          actorUserId: actor.userId,
          action: 'product.name_dismissed',
          subjectType: 'unmapped_product_name',
          subjectId: unmappedId,
        },
        manager,
      );
      const row = await sqlRow(manager, unmappedRow, `${UNMAPPED_SQL} WHERE u.id = $1`, [unmappedId]);
      if (!row) throw new NotFoundException('No such name.');
      return unmappedView(row);
    });
  }

  /** Takes the product's keys; a key another product holds is a 409 naming the alias. */
  private async claimKeys(manager: EntityManager, workspaceId: string, productId: string, input: ProductInput): Promise<void> {
    const keys = keysOf(input);
    const held = await sqlRows(
      manager,
      z.object({ alias_key: z.string(), code: z.string() }),
      `SELECT a.alias_key, p.code FROM product_aliases a JOIN products p ON p.id = a.product_id
        WHERE a.workspace_id = $1 AND a.alias_key = ANY($2::text[]) AND a.product_id <> $3`,
      [workspaceId, keys, productId],
    );
    const [clash] = held;
    if (clash) {
      const text = [input.code, input.name, ...input.aliases].find((t) => productNameKey(t) === clash.alias_key) ?? clash.alias_key;
      const field = input.aliases.some((a) => productNameKey(a) === clash.alias_key) ? 'aliases' : text === input.name ? 'name' : 'code';
      throw new ConflictException(`${field}: "${text}" already names ${clash.code}`);
    }
    await manager.query(
      `INSERT INTO product_aliases (workspace_id, alias_key, product_id) SELECT $1, k, $3 FROM unnest($2::text[]) AS k ON CONFLICT DO NOTHING`,
      [workspaceId, keys, productId],
    );
  }

  /** Open queued names the product now answers for are settled, and stored orders naming them get its code. */
  private async settleQueued(
    manager: EntityManager,
    actor: Actor,
    productId: string,
    code: string,
    keys: readonly string[],
  ): Promise<number> {
    await manager.query(
      `UPDATE unmapped_product_names SET status = 'mapped', product_id = $3, decided_by_user_id = $4, decided_at = now()
        WHERE workspace_id = $1 AND name_key = ANY($2::text[]) AND status = 'open'`,
      [actor.workspaceId, keys, productId, actor.userId],
    );
    return recodeOrderItems(manager, actor.workspaceId, keys, code);
  }
}
