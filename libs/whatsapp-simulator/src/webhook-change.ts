/** One `changes[]` item of a webhook, with the account (`entry[].id`) it belongs to. */
export interface WebhookChange {
  wabaId: string;
  field: string;
  value: Record<string, unknown>;
}

/**
 * The envelope Meta posts: one entry per account, each with its changes. With
 * batching on, several status changes of one number are merged into one
 * `statuses[]`, as Meta does under load.
 */
export function webhookEnvelope(changes: readonly WebhookChange[], at?: Date): Record<string, unknown> {
  const entries = new Map<string, Record<string, unknown>[]>();
  for (const change of changes) {
    const list = entries.get(change.wabaId) ?? [];
    entries.set(change.wabaId, list);
    const merged = list.find((c) => canMerge(c, change));
    if (merged && isStatusValue(merged['value']) && isStatusValue(change.value)) {
      merged['value'] = { ...merged['value'], statuses: [...merged['value'].statuses, ...change.value.statuses] };
      continue;
    }
    list.push({ value: change.value, field: change.field });
  }
  return {
    object: 'whatsapp_business_account',
    // Meta stamps `time` on account-level changes (templates, quality), not on messages.
    entry: [...entries].map(([id, list]) => ({
      id,
      ...(at && list.some((c) => c['field'] !== 'messages') ? { time: Math.floor(at.getTime() / 1000) } : {}),
      changes: list,
    })),
  };
}

interface StatusValue extends Record<string, unknown> {
  statuses: unknown[];
  metadata: { phone_number_id: unknown };
}

function isStatusValue(value: unknown): value is StatusValue {
  if (typeof value !== 'object' || value === null) return false;
  const statuses: unknown = Reflect.get(value, 'statuses');
  const metadata: unknown = Reflect.get(value, 'metadata');
  return Array.isArray(statuses) && typeof metadata === 'object' && metadata !== null && !('messages' in value);
}

function canMerge(existing: Record<string, unknown>, change: WebhookChange): boolean {
  const value = existing['value'];
  return (
    existing['field'] === 'messages' &&
    change.field === 'messages' &&
    isStatusValue(value) &&
    isStatusValue(change.value) &&
    value.metadata.phone_number_id === change.value.metadata.phone_number_id
  );
}
