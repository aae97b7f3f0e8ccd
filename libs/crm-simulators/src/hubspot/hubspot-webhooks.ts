import { WebhookDispatcher } from '../common/webhook-dispatcher';
import type { ResolvedHubSpotOptions } from './hubspot-options';
import { OBJECT_TYPE_DEFINITIONS } from './hubspot-schema';
import { hubSpotSignatureV3 } from './hubspot-signature';
import type { StoreChange } from './hubspot-store';

/** One event of a HubSpot webhook request body (a JSON array of these). */
export interface HubSpotWebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  changeFlag?: 'CREATED' | 'DELETED';
  propertyName?: string;
  propertyValue?: string;
  changeSource: string;
  sourceId: string;
}

type PendingEvent = Omit<HubSpotWebhookEvent, 'attemptNumber'>;

/**
 * Turns store changes into the app's subscribed webhook events, collects them
 * for a short window and posts them in batches of at most 100, signed with the
 * v3 signature. Failed deliveries are retried by the dispatcher with a higher
 * `attemptNumber`.
 */
export class HubSpotWebhooks {
  readonly dispatcher: WebhookDispatcher;
  private queue: PendingEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private nextEventId = 1;
  private readonly pendingFlushes = new Set<Promise<unknown>>();

  constructor(
    private readonly settings: ResolvedHubSpotOptions['webhooks'],
    private readonly portalId: number,
    private readonly appId: number,
    private readonly now: () => number,
  ) {
    this.dispatcher = new WebhookDispatcher(settings.retry);
  }

  get targetUrl(): string | null {
    return this.settings.targetUrl;
  }

  configure(update: {
    targetUrl?: string | null;
    subscriptions?: ResolvedHubSpotOptions['webhooks']['subscriptions'];
    clientSecret?: string;
  }): void {
    if (update.targetUrl !== undefined) this.settings.targetUrl = update.targetUrl;
    if (update.subscriptions !== undefined) this.settings.subscriptions = update.subscriptions;
    if (update.clientSecret !== undefined) this.settings.clientSecret = update.clientSecret;
  }

  describe(): Record<string, unknown> {
    return {
      targetUrl: this.settings.targetUrl,
      signed: this.settings.clientSecret !== null,
      subscriptions: this.settings.subscriptions.map((subscription, index) => ({ id: this.subscriptionId(index), ...subscription })),
      batchWindowMs: this.settings.batchWindowMs,
      includeApiChanges: this.settings.includeApiChanges,
    };
  }

  private subscriptionId(index: number): number {
    return 1_000 + index;
  }

  handle(change: StoreChange): void {
    if (this.settings.targetUrl === null) return;
    if (change.source === 'api' && !this.settings.includeApiChanges) return;
    if (change.objectType !== 'contacts' && change.objectType !== 'deals') return;
    const singular = OBJECT_TYPE_DEFINITIONS[change.objectType].singular;
    const base = {
      portalId: this.portalId,
      appId: this.appId,
      occurredAt: change.at,
      objectId: Number(change.id),
      changeSource: change.source === 'ui' ? 'CRM_UI' : 'INTEGRATION',
      sourceId: change.source === 'ui' ? 'userId:1000001' : String(this.appId),
    };
    this.settings.subscriptions.forEach((subscription, index) => {
      const subscriptionId = this.subscriptionId(index);
      if (change.kind === 'created' && subscription.subscriptionType === `${singular}.creation`) {
        this.queue.push({
          ...base,
          eventId: this.nextEventId++,
          subscriptionId,
          subscriptionType: subscription.subscriptionType,
          changeFlag: 'CREATED',
        });
      }
      if (change.kind === 'deleted' && subscription.subscriptionType === `${singular}.deletion`) {
        this.queue.push({
          ...base,
          eventId: this.nextEventId++,
          subscriptionId,
          subscriptionType: subscription.subscriptionType,
          changeFlag: 'DELETED',
        });
      }
      if (
        change.kind !== 'deleted' &&
        subscription.subscriptionType === `${singular}.propertyChange` &&
        subscription.propertyName !== undefined
      ) {
        const value = change.changed[subscription.propertyName];
        if (value !== undefined) {
          this.queue.push({
            ...base,
            eventId: this.nextEventId++,
            subscriptionId,
            subscriptionType: subscription.subscriptionType,
            propertyName: subscription.propertyName,
            propertyValue: value ?? '',
          });
        }
      }
    });
    if (this.queue.length > 0 && this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.settings.batchWindowMs);
    }
  }

  /** Sends what is queued now (the timer does it after the batch window). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const url = this.settings.targetUrl;
    const secret = this.settings.clientSecret;
    const events = this.queue;
    this.queue = [];
    if (url === null || events.length === 0) return;
    for (let start = 0; start < events.length; start += this.settings.maxEventsPerRequest) {
      const batch = events.slice(start, start + this.settings.maxEventsPerRequest);
      const sending = this.dispatcher.dispatch({
        url,
        build: (attempt) => {
          const body = JSON.stringify(batch.map((event) => ({ ...event, attemptNumber: attempt })));
          const timestamp = String(this.now());
          const headers: Record<string, string> = {
            'user-agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon (simulated)',
            'X-HubSpot-Request-Timestamp': timestamp,
            'X-HubSpot-Timeout-Millis': '10000',
          };
          if (secret !== null) headers['X-HubSpot-Signature-v3'] = hubSpotSignatureV3(secret, 'POST', url, body, timestamp);
          return { body, headers };
        },
      });
      const tracked = sending.finally(() => this.pendingFlushes.delete(tracked));
      this.pendingFlushes.add(tracked);
    }
  }

  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  async idle(): Promise<void> {
    this.flush();
    await Promise.all([...this.pendingFlushes]);
    await this.dispatcher.idle();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.dispatcher.close();
  }
}
