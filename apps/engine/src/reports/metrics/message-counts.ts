/** Outbound messages of one group, by their latest status (the rollup's `out` rows). */
export interface StatusCount {
  status: string;
  count: number;
  /** Seconds from send to read, summed over the read ones. */
  readSeconds: number;
}

export interface MessageCounts {
  /** Accepted by WhatsApp: every outbound message that did not fail. */
  sent: number;
  /** Reached the phone: delivered or read (a read message was delivered first). */
  delivered: number;
  read: number;
  failed: number;
  /** read / delivered; null without deliveries. */
  readRate: number | null;
  /** delivered / sent; null without sends. */
  deliveryRate: number | null;
  /** Mean seconds from send to read; null without reads. */
  meanSecondsToRead: number | null;
}

/** The messaging metrics of a group of outbound messages (docs/REPORTS.md, "Messaging"). */
export function messageCounts(rows: readonly StatusCount[]): MessageCounts {
  let sent = 0;
  let delivered = 0;
  let read = 0;
  let failed = 0;
  let readSeconds = 0;
  for (const row of rows) {
    if (row.status === 'failed') {
      failed += row.count;
      continue;
    }
    sent += row.count;
    if (row.status === 'delivered' || row.status === 'read') delivered += row.count;
    if (row.status === 'read') {
      read += row.count;
      readSeconds += row.readSeconds;
    }
  }
  return {
    sent,
    delivered,
    read,
    failed,
    readRate: delivered > 0 ? read / delivered : null,
    deliveryRate: sent > 0 ? delivered / sent : null,
    meanSecondsToRead: read > 0 ? readSeconds / read : null,
  };
}

/** a / b, or null when b is 0: every rate in the reports. */
export function rate(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

/** Change vs the previous period as a fraction; null when the previous period had none. */
export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}
