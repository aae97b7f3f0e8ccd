import { WebhookDispatcher } from '../common/webhook-dispatcher';
import type { ResolvedZohoOptions } from './zoho-options';
import { ZOHO_MODULES, type ZohoModule } from './zoho-schema';
import { MODULE_IDS, type ZohoChange } from './zoho-store';

export interface WatchChannel {
  channelId: string;
  events: string[];
  notifyUrl: string;
  token: string | null;
  expiresAt: number;
}

const EVENT_OPERATION: Record<ZohoChange['operation'], string> = { insert: 'create', update: 'edit', delete: 'delete' };

export const MAX_CHANNEL_LIFETIME_MS = 86_400_000;
export const DEFAULT_CHANNEL_LIFETIME_MS = 3_600_000;

/** `Contacts.all`, `Leads.create`, `Deals.edit`, `Contacts.delete`. */
export function isValidEvent(event: string): boolean {
  const [module, operation] = event.split('.');
  return ZOHO_MODULES.some((candidate) => candidate === module) && ['all', 'create', 'edit', 'delete'].includes(operation ?? '');
}

interface Pending {
  channel: WatchChannel;
  module: ZohoModule;
  operation: ZohoChange['operation'];
  ids: string[];
  affected: Record<string, string[]>[];
}

/**
 * Zoho's notification channels (`/actions/watch`): each change of a watched
 * module is posted to the channel's notify URL with the channel id and its
 * token, batched per module and operation for a short window. Expired
 * channels stop receiving.
 */
export class ZohoNotifications {
  readonly channels = new Map<string, WatchChannel>();
  readonly dispatcher: WebhookDispatcher;
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private readonly flushes = new Set<Promise<unknown>>();

  constructor(
    private readonly settings: ResolvedZohoOptions['notifications'],
    private readonly now: () => number,
    private readonly resourceUri: (module: ZohoModule) => string,
  ) {
    this.dispatcher = new WebhookDispatcher(settings.retry);
  }

  handle(change: ZohoChange): void {
    const now = this.now();
    for (const channel of this.channels.values()) {
      if (channel.expiresAt <= now) continue;
      const wanted = channel.events.some(
        (event) => event === `${change.module}.all` || event === `${change.module}.${EVENT_OPERATION[change.operation]}`,
      );
      if (!wanted) continue;
      const key = `${channel.channelId}|${change.module}|${change.operation}`;
      const entry = this.pending.get(key) ?? { channel, module: change.module, operation: change.operation, ids: [], affected: [] };
      if (!entry.ids.includes(change.id)) entry.ids.push(change.id);
      if (change.operation === 'update') entry.affected.push({ [change.id]: change.fields });
      this.pending.set(key, entry);
    }
    if (this.pending.size > 0 && this.timer === null) this.timer = setTimeout(() => this.flush(), this.settings.batchWindowMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.pending.values()];
    this.pending = new Map();
    for (const batch of batches) {
      const notifyUrl = new URL(batch.channel.notifyUrl);
      const body = JSON.stringify({
        server_time: this.now(),
        query_params: Object.fromEntries(notifyUrl.searchParams),
        module: batch.module,
        resource_uri: this.resourceUri(batch.module),
        ids: batch.ids,
        ...(batch.operation === 'update' ? { affected_fields: batch.affected } : {}),
        operation: batch.operation,
        channel_id: batch.channel.channelId,
        token: batch.channel.token,
      });
      const sending = this.dispatcher.dispatch({ url: batch.channel.notifyUrl, build: () => ({ body, headers: {} }) });
      const tracked = sending.finally(() => this.flushes.delete(tracked));
      this.flushes.add(tracked);
    }
  }

  describe(channel: WatchChannel, module: ZohoModule): Record<string, unknown> {
    return {
      channel_expiry: new Date(Math.floor(channel.expiresAt / 1000) * 1000).toISOString().replace('.000Z', '+00:00'),
      resource_uri: this.resourceUri(module),
      resource_id: MODULE_IDS[module],
      resource_name: module,
      channel_id: channel.channelId,
    };
  }

  async idle(): Promise<void> {
    this.flush();
    await Promise.all([...this.flushes]);
    await this.dispatcher.idle();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    this.dispatcher.close();
  }
}
