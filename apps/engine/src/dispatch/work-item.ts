/**
 * A unit of work carried by the dispatcher: only ids travel, the state lives
 * in PostgreSQL. Handling an item twice is harmless.
 */
export interface WorkItem {
  /** webhook: a stored delivery to parse; contact: that contact's pending events and due waits. */
  kind: 'webhook' | 'contact';
  id: string;
  /**
   * Dispatched by the sweeper to recover work left pending. BullMQ queues it
   * apart from the item's normal job (once, however often it is swept), so a
   * job a dead worker still shows as active cannot hold it back until BullMQ
   * notices the stall.
   */
  recovery?: boolean;
}

export function workItemKey(item: WorkItem): string {
  return `${item.kind}:${item.id}`;
}
