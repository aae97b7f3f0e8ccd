import { MediaStore } from './media-store';
import type { MetaError } from './meta-errors';
import type { StatusPricing } from './pricing';
import type { MessagingTier } from './quality-update-payload';
import { RecipientReach } from './recipient-reach';
import type { SimulatedStatus } from './status-payload';
import { TemplateRegistry } from './template-registry';

export interface SimulatedNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
}

export interface SimulatedUser {
  waId: string;
  name: string;
  /** Last time the user wrote to each business number (the 24 h window). */
  lastInboundAt: Map<string, Date>;
  /** Business-scoped user id (BSUID), when the user has one. */
  userId?: string;
  /** The user hides their number behind a username: webhooks carry only the BSUID. */
  hideNumber?: boolean;
  /** False for a number that is not on WhatsApp: sends to it fail later with 131026. */
  onWhatsApp?: boolean;
  /** Accounts (WABA ids) the user stopped marketing messages from. */
  marketingStopped?: Set<string>;
  /** When marketing templates were delivered to the user, per account (the per-user marketing cap). */
  marketingDeliveries?: Map<string, Date[]>;
  /** Last click-to-WhatsApp ad referral per business number (free entry point pricing for 72 h). */
  referralAt?: Map<string, Date>;
}

/** A request the simulator accepted on the send endpoint. */
export interface SentMessage {
  wamid: string;
  phoneNumberId: string;
  to: string;
  type: string;
  body: Record<string, unknown>;
  receivedAt: Date;
  /** The furthest status reported so far (sent < delivered < read; failed ends it). */
  status?: SimulatedStatus;
  /** Why it failed, for an asynchronous failure. */
  error?: MetaError;
  /** Pricing category: the template's category, or `service` for a free-form message. */
  pricing?: StatusPricing;
}

/** A message a simulated user sent to the business. */
export interface InboundRecord {
  wamid: string;
  phoneNumberId: string;
  from: string;
  text: string;
  sentAt: Date;
  delivered: boolean;
  /** The message type on the wire (text, image, interactive…). */
  type?: string;
  /** The business marked it read (blue ticks on the customer's phone). */
  readByBusiness?: boolean;
  /** The business showed "typing…" in reply to it. */
  typingShownAt?: Date;
  /** The business message it answers (a reply button, a list row or a quoted reply). */
  replyTo?: string;
  /** Where its webhook stands, for the sender's ticks on the phone page (`off`: no webhook target). */
  webhook?: InboundWebhookState;
}

export type InboundWebhookState = 'pending' | 'delivered' | 'failed' | 'off';

/** A failure the next sends will meet: a Graph error, a server error or no answer at all. */
export interface InjectedFault {
  /** Only sends to this recipient (any when absent). */
  to?: string;
  kind: 'graph_error' | 'server_error' | 'timeout' | 'slow';
  /** Graph error code, for graph_error (e.g. 131000, 130429, 131056). */
  code?: number;
  /** For slow: how long the (successful) answer takes, in ms (default 5000). */
  delayMs?: number;
  /** How many sends it affects. */
  remaining: number;
}

/** Everything the simulator remembers; in memory, like a test double of Meta's side. */
export class SimulatorState {
  readonly numbers = new Map<string, SimulatedNumber>();
  readonly faults: InjectedFault[] = [];
  readonly users = new Map<string, SimulatedUser>();
  readonly sent: SentMessage[] = [];
  readonly inbound: InboundRecord[] = [];
  readonly templates = new TemplateRegistry();
  readonly media = new MediaStore();
  /** Unique users reached outside the window in a moving 24 h, per number (Meta's messaging limit). */
  readonly reach = new RecipientReach();
  /** Messaging-limit tier each number last reported through `phone_number_quality_update`. */
  readonly qualityTier = new Map<string, MessagingTier>();
  /** Arrival order of every message either way, so a chat keeps its order even on a frozen clock. */
  readonly arrival = new Map<string, number>();

  stamp(wamid: string): void {
    if (!this.arrival.has(wamid)) this.arrival.set(wamid, this.arrival.size);
  }

  addNumber(number: SimulatedNumber): void {
    this.numbers.set(number.phoneNumberId, number);
  }

  user(waId: string, name?: string): SimulatedUser {
    let user = this.users.get(waId);
    if (!user) {
      user = { waId, name: name ?? `Customer ${waId.slice(-4)}`, lastInboundAt: new Map() };
      this.users.set(waId, user);
    } else if (name) {
      user.name = name;
    }
    return user;
  }

  /** The user a send addresses: by wa_id, or by BSUID when `to` is one. */
  userByAddress(address: string): SimulatedUser | undefined {
    return this.users.get(address) ?? [...this.users.values()].find((u) => u.userId === address);
  }

  numbersOf(wabaId: string): SimulatedNumber[] {
    return [...this.numbers.values()].filter((n) => n.wabaId === wabaId);
  }
}

/** Takes the first fault that applies to a send to `to`, if any. */
export function takeFault(state: SimulatorState, to: string): InjectedFault | null {
  const fault = state.faults.find((f) => f.remaining > 0 && (f.to === undefined || f.to === to));
  if (!fault) return null;
  fault.remaining -= 1;
  return fault;
}
