/**
 * A unit of work carried by the dispatcher: only ids travel, the state lives
 * in PostgreSQL. Handling an item twice is harmless.
 */
export interface WorkItem {
  /** webhook: a stored delivery to parse; contact: that contact's pending events and due waits. */
  kind: 'webhook' | 'contact';
  id: string;
}

export function workItemKey(item: WorkItem): string {
  return `${item.kind}:${item.id}`;
}
