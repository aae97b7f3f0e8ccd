import type { WhatsAppSender } from './whatsapp-sender';

export interface ContactActions {
  addTags(tags: readonly string[]): Promise<string[]>;
  removeTags(tags: readonly string[]): Promise<string[]>;
  setField(name: string, value: unknown): Promise<{ changed: boolean; oldValue: unknown }>;
  moveToList(list: string | null): Promise<{ changed: boolean; previous: string | null }>;
  assign(userId: string | null): Promise<void>;
  /** Gives the contact's conversation to the support team (pending → open) and notifies them; `opened` is false when people had it already. */
  handOver(note: string): Promise<{ conversationId: string | null; opened: boolean }>;
  /** Records the contact's consent (kept apart for marketing and for notifications); `changed` is false when it already was so. */
  setConsent(kind: 'marketing' | 'transactional', value: 'opted_in' | 'opted_out'): Promise<{ changed: boolean }>;
}

/** A contact as "Find contact" reports it, from the built-in store or the connected CRM. */
export interface CrmContact {
  /** The record's id in that store (Parley's contact id, or the CRM's). */
  id: string;
  /** The record's kind there (`contact`, HubSpot `contacts`, Salesforce `Contact` / `Lead`, Zoho `Contacts` / `Leads`). */
  type: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
}

/** The last order of the contact (orders come from the shop, so they are always Parley's). */
export interface CrmOrder {
  id: string;
  externalId: string;
  status: string;
  total: number | null;
  currency: string | null;
  placedAt: string;
  itemsCount: number;
  trackingUrl: string | null;
  ordersCount: number;
}

/**
 * The CRM steps' store: the built-in one, or the CRM the workspace
 * connected. Steps call the same methods either way, so a flow does not
 * change when a CRM is connected; `store` says which answered.
 */
export interface CrmActions {
  createOpportunity(input: {
    title: string;
    stage: string;
    amount: number | null;
    currency: string | null;
    source: string | null;
  }): Promise<{ id: string; store: string }>;
  createTask(input: {
    title: string;
    notes: string;
    dueAt: Date | null;
    assignedUserId: string | null;
  }): Promise<{ id: string; store: string }>;
  addNote(input: { text: string }): Promise<{ id: string; store: string }>;
  /** The record with this E.164 number, or null. */
  findContact(input: { phone: string }): Promise<{ store: string; contact: CrmContact | null }>;
  /** Changes this contact's names and email; with a CRM connected the sync carries them there (in order, exactly once). */
  updateFields(input: Partial<Record<'firstName' | 'lastName' | 'email', string | null>>): Promise<{ changed: string[] }>;
  lastOrder(): Promise<CrmOrder | null>;
}

export interface CouponIssuer {
  /** One code per contact per campaign: asking again returns the same code. */
  issue(input: {
    campaign: string;
    prefix: string;
    percentOff: number | null;
    amountOff: number | null;
    currency: string | null;
    validDays: number | null;
  }): Promise<{ code: string; expiresAt: Date | null; reused: boolean }>;
}

export interface AutomationControl {
  /** Pauses automation for this contact until `until` (null: until someone resumes it). */
  pauseContact(until: Date | null, reason: string): Promise<void>;
}

export interface Notifier {
  /** Notifies one user, or the workspace's admins when `userId` is null. */
  notify(input: { userId: string | null; title: string; body: string }): Promise<void>;
}

export type HttpResult =
  | { ok: true; status: number; headers: Record<string, string>; body: unknown }
  | { ok: false; errorCode: 'blocked_target' | 'timeout' | 'network' | 'invalid_url'; errorMessage: string };

export interface HttpClient {
  request(input: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string | null;
    timeoutMs: number;
  }): Promise<HttpResult>;
}

export interface ConditionResult {
  result: boolean;
  /** What the rule saw: behaviour counts, intents, compared fields. */
  values: Record<string, unknown>;
}

export interface ConditionEvaluator {
  evaluate(rule: unknown): Promise<ConditionResult>;
  /** Evaluates a JSONLogic expression to a value (for variables). */
  compute(rule: unknown): Promise<unknown>;
}

export interface Store {
  name: string;
  address: string;
  city: string;
  latitude: number;
  longitude: number;
  hours: string;
}

export interface StoreLocator {
  /** The workspace's stores, nearest first from the contact's last shared location (or in their listed order). */
  nearest(): Promise<{ store: Store; distanceKm: number | null } | null>;
}

export interface WebhookSigner {
  /**
   * `sha256=<hex HMAC-SHA256 of "<timestampSeconds>.<body>">`, keyed with the
   * workspace's outgoing-webhook secret (admins see it in Settings → CRM). The
   * timestamp is signed with the body so a captured request cannot be replayed
   * later under a fresh timestamp. The key itself never reaches node code.
   */
  sign(timestampSeconds: number, body: string): Promise<string>;
}

/** Services the engine lends to a step. Handlers never reach the database directly. */
export interface StepServices {
  whatsapp: WhatsAppSender;
  contact: ContactActions;
  crm: CrmActions;
  coupons: CouponIssuer;
  automation: AutomationControl;
  notifier: Notifier;
  http: HttpClient;
  conditions: ConditionEvaluator;
  stores: StoreLocator;
  /** Optional so engines that do not offer it yet still type-check; nodes that need it fail clearly without it. */
  webhookSigner?: WebhookSigner;
  /** Renders a message template with the execution's data; missing values use fallbacks (and are logged). */
  render(template: string): Promise<string>;
  /** Whether `text` matches one of the workspace's intents (keyword lists). */
  matchIntent(text: string, intent: string): boolean;
  now(): Date;
  /** A pseudo-random number in [0, 1) that is stable for this contact and node (A/B splits). */
  stableRandom(): number;
}
