import type { WebhookItem } from '@parley/whatsapp';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { preparedSqlRows } from '../runtime/prepared-sql';

/** The number a webhook item is for; `known`: the item's message is stored already (a redelivery). */
export interface ItemNumber {
  id: string;
  workspace_id: string;
  known: boolean;
}

/** An item that names the number it is for, and what the processor looks up for it. */
type NumberedItem = Extract<WebhookItem, { kind: 'message' | 'message_change' | 'status' }>;

const lookupRow = z.object({
  kind: z.enum(['number', 'known']),
  key: z.string(),
  id: z.string().nullable(),
  workspace_id: z.string().nullable(),
});

/**
 * The numbers a group of webhook deliveries speaks for and which of its
 * messages are stored already, read in one statement for the whole group
 * (issue 12): item by item it was one round trip per message. A message the
 * group stores counts as stored from then on (`stored`), so a second copy of
 * it in the same group is the redelivery it would have been found to be.
 */
export class WebhookNumberLookup {
  private constructor(
    private readonly numbers: ReadonlyMap<string, { id: string; workspace_id: string }>,
    private readonly known: Set<string>,
  ) {}

  /** Reads what `items` need, in one statement (none when no item names a number). */
  static async read(manager: EntityManager, items: readonly WebhookItem[]): Promise<WebhookNumberLookup> {
    const phoneNumberIds = new Set<string>();
    const wamids = new Set<string>();
    for (const item of items) {
      if (item.kind !== 'message' && item.kind !== 'message_change' && item.kind !== 'status') continue;
      phoneNumberIds.add(item.phoneNumberId);
      if (item.kind === 'message') wamids.add(item.message.wamid);
    }
    const numbers = new Map<string, { id: string; workspace_id: string }>();
    const known = new Set<string>();
    if (phoneNumberIds.size === 0) return new WebhookNumberLookup(numbers, known);
    const rows = await preparedSqlRows(
      manager,
      lookupRow,
      `SELECT 'number' AS kind, phone_number_id AS key, id::text AS id, workspace_id::text AS workspace_id
         FROM whatsapp_numbers WHERE phone_number_id = ANY($1::text[])
       UNION ALL
       SELECT 'known', wamid, NULL, NULL FROM messages WHERE wamid = ANY($2::text[])`,
      [[...phoneNumberIds], [...wamids]],
    );
    for (const row of rows) {
      if (row.kind === 'known') known.add(row.key);
      else if (row.id !== null && row.workspace_id !== null) numbers.set(row.key, { id: row.id, workspace_id: row.workspace_id });
    }
    return new WebhookNumberLookup(numbers, known);
  }

  /** The item's number, or null when no number is registered under its phone_number_id. */
  numberFor(item: NumberedItem): ItemNumber | null {
    const number = this.numbers.get(item.phoneNumberId);
    if (!number) return null;
    return { ...number, known: item.kind === 'message' && this.known.has(item.message.wamid) };
  }

  /** The group stored this message: a later copy of it is a redelivery. */
  stored(wamid: string): void {
    this.known.add(wamid);
  }
}
