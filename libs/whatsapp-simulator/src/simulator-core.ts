import { ChangeFeed } from './change-feed';
import { customerMessageText, type CustomerMessage } from './customer-message';
import { inboundChange } from './inbound-payload';
import type { MediaFile } from './media-store';
import type { MetaError } from './meta-errors';
import { type QualityEvent, qualityUpdateChange, type MessagingTier } from './quality-update-payload';
import { RateLimiter } from './rate-limiter';
import type { SimulatorOptions } from './simulator-options';
import { type InboundRecord, SimulatorState, type SentMessage, type SimulatedNumber } from './simulator-state';
import { isForward, StatusLifecycle } from './status-lifecycle';
import { type SimulatedStatus, statusChange, statusObject } from './status-payload';
import type { RegisteredTemplate, TemplateDefinition, TemplateStatus } from './template-registry';
import { templateStatusChange } from './template-status-payload';
import { type MarketingPreference, userPreferencesChange } from './user-preferences-payload';
import { webhookEnvelope } from './webhook-change';
import type { DeliveryOutcome, WebhookTarget } from './webhook-emitter';
import { WebhookOutbox } from './webhook-outbox';
import { newConversationId, newWamid } from './wire-ids';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CustomerSendInput {
  phoneNumberId: string;
  from: string;
  name?: string;
  text?: string;
  message?: CustomerMessage;
  /** Gives the customer a BSUID (kept for later messages). */
  userId?: string;
  /** The customer hides their number behind a username: only the BSUID is sent (kept for later messages). */
  hideNumber?: boolean;
  /**
   * The message's id, chosen by the caller so it can recognise the webhook this
   * message becomes (Parley's test runs claim it before the customer writes).
   */
  wamid?: string;
  /**
   * When the customer wrote, if earlier than now: Meta delivers a webhook late
   * (it retries for days) with the message's own timestamp, and the window
   * counts from that time, not from the delivery.
   */
  sentAt?: Date;
}

/**
 * The simulator's behaviour behind its HTTP routes: customers writing,
 * statuses, preferences, templates and account events, each turned into the
 * webhook Meta would send.
 */
export class SimulatorCore {
  readonly state = new SimulatorState();
  readonly now: () => Date;
  readonly outbox: WebhookOutbox;
  readonly lifecycle: StatusLifecycle;
  readonly limiter: RateLimiter;
  readonly feed = new ChangeFeed();
  /** Where the simulator listens (for URLs it hands out, e.g. media downloads and paging). */
  baseUrl = '';
  private webhook: WebhookTarget | undefined;
  /** Inbound webhooks as first sent, for redelivery. */
  private readonly payloads = new Map<string, Record<string, unknown>>();
  private readonly conversations = new Map<string, { id: string; expiresAt: Date }>();

  constructor(readonly options: SimulatorOptions) {
    for (const number of options.numbers) this.state.addNumber(number);
    this.now = options.now ?? (() => new Date());
    this.webhook = options.webhook;
    this.outbox = new WebhookOutbox(
      () => this.webhook,
      options.webhookRetry ?? { maxAttempts: 6, firstDelayMs: 1000 },
      options.webhookBatch,
      this.now,
    );
    this.lifecycle = new StatusLifecycle(
      options.statuses,
      (message, status, at, error) => this.emitStatus(message, status, at, error),
      this.now,
    );
    this.limiter = new RateLimiter(options.throughput, options.pairRate);
    for (const seed of options.templates ?? []) {
      const { wabaId, ...definition } = seed;
      const accounts = wabaId ? [wabaId] : [...new Set(options.numbers.map((n) => n.wabaId))];
      for (const account of accounts) this.state.templates.upsert(account, definition);
    }
  }

  setWebhook(target: WebhookTarget | undefined): void {
    this.webhook = target;
  }

  number(phoneNumberId: string | undefined): SimulatedNumber {
    const id = phoneNumberId ?? this.state.numbers.keys().next().value;
    const number = id === undefined ? undefined : this.state.numbers.get(id);
    if (!number) throw new Error(`Unknown simulated number ${String(phoneNumberId)}`);
    return number;
  }

  async customerSends(input: CustomerSendInput): Promise<{ wamid: string; delivery: DeliveryOutcome | null }> {
    const number = this.number(input.phoneNumberId);
    if (input.wamid !== undefined && this.knowsWamid(input.wamid)) throw new Error(`wamid ${input.wamid} is already used`);
    const user = this.state.user(input.from, input.name);
    if (input.userId !== undefined) user.userId = input.userId;
    if (input.hideNumber !== undefined) user.hideNumber = input.hideNumber;
    const message: CustomerMessage = input.message ?? { type: 'text', text: input.text ?? '' };
    const media = this.mediaFor(message);
    const now = this.now();
    if (input.sentAt !== undefined && input.sentAt.getTime() > now.getTime()) throw new Error('sentAt is in the future');
    const sentAt = input.sentAt ?? now;
    // A notice of a changed number, or a change to an earlier message, is not the user writing: it opens no window.
    if (message.type !== 'user_changed_number' && message.type !== 'edit' && message.type !== 'revoke') {
      // A late delivery of an older message never moves an open window back.
      const last = user.lastInboundAt.get(number.phoneNumberId);
      if (last === undefined || last.getTime() < sentAt.getTime()) user.lastInboundAt.set(number.phoneNumberId, sentAt);
    }
    if (message.type === 'text' && message.referral) {
      user.referralAt ??= new Map();
      user.referralAt.set(number.phoneNumberId, sentAt);
    }
    this.limiter.countInbound(number.phoneNumberId, now.getTime());
    const wamid = input.wamid ?? newWamid();
    const record: InboundRecord = {
      wamid,
      phoneNumberId: number.phoneNumberId,
      from: user.waId,
      text: customerMessageText(message),
      sentAt,
      delivered: false,
      type: message.type,
      webhook: this.webhook ? 'pending' : 'off',
      ...('replyTo' in message && message.replyTo ? { replyTo: message.replyTo } : {}),
    };
    this.state.inbound.push(record);
    this.state.stamp(wamid);
    const change = inboundChange({
      number,
      from: user.waId,
      name: user.name,
      wamid,
      message,
      sentAt,
      ...(user.userId ? { userId: user.userId } : {}),
      ...(user.hideNumber ? { hideNumber: true } : {}),
      media,
    });
    this.payloads.set(wamid, webhookEnvelope([change]));
    if (message.type === 'user_changed_number') this.moveUser(user.waId, message.newWaId);
    this.feed.changed();
    const delivery = await this.outbox.post(change);
    record.delivered = delivery?.delivered ?? false;
    record.webhook = delivery === null ? 'off' : delivery.delivered ? 'delivered' : 'failed';
    // The sender's ticks change once the business got (or never got) the webhook.
    this.feed.changed();
    return { wamid, delivery };
  }

  private knowsWamid(wamid: string): boolean {
    return this.state.inbound.some((m) => m.wamid === wamid) || this.state.sent.some((m) => m.wamid === wamid);
  }

  private mediaFor(message: CustomerMessage): MediaFile | null {
    if (
      message.type !== 'image' &&
      message.type !== 'video' &&
      message.type !== 'audio' &&
      message.type !== 'document' &&
      message.type !== 'sticker'
    )
      return null;
    const file = message.mediaId ? this.state.media.get(message.mediaId) : this.state.media.defaultFor(message.type);
    if (!file) throw new Error(`Unknown media id ${String(message.mediaId)}`);
    return file;
  }

  /** After a number change the same person writes from the new number, with their name and preferences. */
  private moveUser(oldWaId: string, newWaId: string): void {
    const old = this.state.users.get(oldWaId);
    if (!old) return;
    const moved = this.state.user(newWaId, old.name);
    if (old.marketingStopped) moved.marketingStopped = new Set(old.marketingStopped);
    // The same person: their BSUID goes with them to the new number.
    if (old.userId !== undefined) moved.userId = old.userId;
    if (old.hideNumber !== undefined) moved.hideNumber = old.hideNumber;
  }

  async redeliver(wamid: string): Promise<DeliveryOutcome> {
    const payload = this.payloads.get(wamid);
    if (!payload) throw new Error(`No inbound message ${wamid} to redeliver`);
    if (!this.webhook) throw new Error('No webhook target configured');
    const outcome = await this.outbox.postEnvelope(payload);
    if (!outcome) throw new Error('No webhook target configured');
    return outcome;
  }

  /** The conversation a message counts in: one per (number, user, category) for 24 h, as in Meta's webhooks. */
  conversationFor(message: SentMessage, at: Date): { id: string; expiresAt: Date } | null {
    if (!message.pricing) return null;
    const key = `${message.phoneNumberId}:${message.to}:${message.pricing.category}`;
    const open = this.conversations.get(key);
    if (open && open.expiresAt.getTime() > at.getTime()) return open;
    const conversation = { id: newConversationId(), expiresAt: new Date(at.getTime() + DAY_MS) };
    this.conversations.set(key, conversation);
    return conversation;
  }

  private statusChangeOf(
    message: SentMessage,
    status: SimulatedStatus,
    at: Date,
    error: { code: number; title: string; details?: string } | null,
  ) {
    const number = this.number(message.phoneNumberId);
    const user = this.state.userByAddress(message.to);
    const callback = message.body['biz_opaque_callback_data'];
    return statusChange(number, [
      statusObject({
        number,
        wamid: message.wamid,
        recipient: message.to,
        status,
        at,
        callbackData: typeof callback === 'string' ? callback : null,
        error,
        pricing: message.pricing ?? null,
        conversation: status === 'sent' || status === 'delivered' ? this.conversationFor(message, at) : null,
        recipientUserId: user?.userId ?? null,
      }),
    ]);
  }

  /** Records a status (forward only) and posts its webhook; used by the lifecycle. */
  emitStatus(message: SentMessage, status: SimulatedStatus, at: Date, error: MetaError | null): void {
    if (isForward(message.status, status)) message.status = status;
    if (status === 'failed' && error) message.error = error;
    this.feed.changed();
    void this.outbox.post(this.statusChangeOf(message, status, at, error));
  }

  /** A status reported by hand (tests, `/sim/statuses`); waits for its delivery. */
  async sendStatus(wamid: string, status: SimulatedStatus, error?: { code: number; title: string }): Promise<DeliveryOutcome | null> {
    const message = this.state.sent.find((m) => m.wamid === wamid);
    if (!message) throw new Error(`No sent message ${wamid}`);
    const failure = status === 'failed' ? (error ?? { code: 131026, title: 'Message undeliverable' }) : null;
    if (isForward(message.status, status)) message.status = status;
    if (failure) message.error = { ...failure, details: failure.title };
    this.feed.changed();
    return this.outbox.post(this.statusChangeOf(message, status, this.now(), failure));
  }

  /** The customer opened the chat: the business's messages become read (when statuses are on). */
  markRead(phoneNumberId: string, waId: string): number {
    const unread = this.state.sent.filter(
      (m) => m.phoneNumberId === phoneNumberId && m.to === waId && m.status !== 'read' && m.status !== 'failed' && !m.error,
    );
    if (!this.lifecycle.enabled) return 0;
    this.lifecycle.read(unread);
    return unread.length;
  }

  /** The customer stops or resumes marketing messages from the number's business. */
  setMarketingPreference(input: { phoneNumberId?: string; waId: string; value: MarketingPreference }): Promise<DeliveryOutcome | null> {
    const number = this.number(input.phoneNumberId);
    const user = this.state.user(input.waId);
    user.marketingStopped ??= new Set();
    if (input.value === 'stop') user.marketingStopped.add(number.wabaId);
    else user.marketingStopped.delete(number.wabaId);
    this.feed.changed();
    return this.outbox.post(
      userPreferencesChange({
        number,
        waId: user.waId,
        name: user.name,
        value: input.value,
        at: this.now(),
        ...(user.userId ? { userId: user.userId } : {}),
      }),
    );
  }

  /** Adds or replaces a template and reports its status as Meta does. */
  addTemplate(
    wabaId: string,
    definition: TemplateDefinition,
  ): { template: RegisteredTemplate; replaced: boolean; delivery: Promise<DeliveryOutcome | null> } {
    const result = this.state.templates.upsert(wabaId, definition);
    return { ...result, delivery: this.outbox.post(templateStatusChange(result.template, this.now())) };
  }

  /** Changes a template's status (paused, disabled, approved again…) with its webhook. */
  setTemplateStatus(input: { wabaId: string; name: string; language?: string; status: TemplateStatus; reason?: string | null }): {
    templates: RegisteredTemplate[];
    delivery: Promise<(DeliveryOutcome | null)[]>;
  } {
    const templates = this.state.templates.setStatus(input.wabaId, input.name, input.language, input.status, input.reason ?? null);
    return { templates, delivery: Promise.all(templates.map((t) => this.outbox.post(templateStatusChange(t, this.now())))) };
  }

  /** The number's messaging limit or throughput tier changed. */
  qualityUpdate(input: {
    phoneNumberId?: string;
    event: QualityEvent;
    currentLimit: MessagingTier;
    oldLimit?: MessagingTier;
  }): Promise<DeliveryOutcome | null> {
    const number = this.number(input.phoneNumberId);
    const oldLimit = input.oldLimit ?? this.state.qualityTier.get(number.phoneNumberId);
    this.state.qualityTier.set(number.phoneNumberId, input.currentLimit);
    return this.outbox.post(
      qualityUpdateChange({ number, event: input.event, currentLimit: input.currentLimit, ...(oldLimit ? { oldLimit } : {}) }),
    );
  }

  /** Resolves when no status is planned and no webhook is queued or in flight. */
  async idle(): Promise<void> {
    while (this.lifecycle.pending) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.outbox.idle();
  }

  close(): void {
    this.lifecycle.close();
    this.outbox.close();
    this.feed.close();
  }
}
