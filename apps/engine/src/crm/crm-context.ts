import type { CrmOrder } from '@parley/node-sdk';
import { z } from 'zod';
import { type SqlExecutor, sqlRow } from '../database/sql-rows';

const orderRow = z.object({
  id: z.string(),
  external_id: z.string(),
  status: z.string(),
  total: z.string().nullable(),
  currency: z.string().nullable(),
  placed_at: z.date(),
  items_count: z.number(),
  tracking_url: z.string().nullable(),
  tracking_number: z.string().nullable(),
  carrier: z.string().nullable(),
  estimated_delivery: z.string().nullable(),
  orders_count: z.number(),
});

/** The contact's last order and order count (orders come from the shop: Parley's store, connected CRM or not). */
export async function loadLastOrder(executor: SqlExecutor, workspaceId: string, contactId: string): Promise<CrmOrder | null> {
  const row = await lastOrderRow(executor, workspaceId, contactId);
  if (!row) return null;
  return {
    id: row.id,
    externalId: row.external_id,
    status: row.status,
    total: row.total === null ? null : Number(row.total),
    currency: row.currency,
    placedAt: row.placed_at.toISOString(),
    itemsCount: row.items_count,
    trackingUrl: row.tracking_url,
    ordersCount: row.orders_count,
  };
}

function lastOrderRow(executor: SqlExecutor, workspaceId: string, contactId: string) {
  return sqlRow(
    executor,
    orderRow,
    `SELECT o.id, o.external_id, o.status, o.total::text AS total, o.currency, o.placed_at, jsonb_array_length(o.items)::int AS items_count,
            o.tracking_url, o.tracking_number, o.carrier, o.estimated_delivery::text AS estimated_delivery,
            (SELECT count(*)::int FROM orders x WHERE x.contact_id = $2 AND x.workspace_id = $1) AS orders_count
       FROM orders o WHERE o.workspace_id = $1 AND o.contact_id = $2 ORDER BY o.placed_at DESC LIMIT 1`,
    [workspaceId, contactId],
  );
}

/** The `crm` data of templates and conditions: the contact's last order and order count. */
export async function loadCrmContext(executor: SqlExecutor, workspaceId: string, contactId: string): Promise<Record<string, unknown>> {
  const row = await lastOrderRow(executor, workspaceId, contactId);
  if (!row) return { orders_count: 0, last_order_at: null, last_order: null };
  return {
    orders_count: row.orders_count,
    last_order_at: row.placed_at.toISOString(),
    last_order: {
      id: row.id,
      external_id: row.external_id,
      status: row.status,
      total: row.total === null ? null : Number(row.total),
      currency: row.currency,
      created_at: row.placed_at.toISOString(),
      items_count: row.items_count,
      tracking_url: row.tracking_url,
      tracking_number: row.tracking_number,
      carrier: row.carrier,
      estimated_delivery: row.estimated_delivery,
    },
  };
}
