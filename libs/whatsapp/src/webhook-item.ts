import type { InboundMessage } from './inbound-message';
import type { MessageChange } from './message-change';
import type { MessageStatusUpdate } from './message-status';

export interface WebhookSender {
  waId: string | null;
  userId: string | null;
  profileName: string | null;
}

/** One thing a webhook delivery told us, flattened out of its entry and change. */
export type WebhookItem =
  | {
      kind: 'message';
      wabaId: string;
      phoneNumberId: string;
      displayPhoneNumber: string | null;
      sender: WebhookSender;
      message: InboundMessage;
    }
  /** The customer edited or deleted (revoked) a message they sent earlier. */
  | {
      kind: 'message_change';
      wabaId: string;
      phoneNumberId: string;
      displayPhoneNumber: string | null;
      sender: WebhookSender;
      change: MessageChange;
    }
  | { kind: 'status'; wabaId: string; phoneNumberId: string; status: MessageStatusUpdate }
  /** The customer stopped or resumed marketing messages inside WhatsApp (`user_preferences`). */
  | {
      kind: 'user_preference';
      wabaId: string;
      phoneNumberId: string | null;
      sender: WebhookSender;
      category: string;
      value: 'stop' | 'resume';
      timestamp: Date;
      detail: string | null;
    }
  /** A template was approved, rejected, paused, disabled... (`message_template_status_update`); `status` is upper case. */
  | {
      kind: 'template_status';
      wabaId: string;
      templateId: string | null;
      name: string;
      language: string | null;
      status: string;
      reason: string | null;
    }
  /**
   * A template's category changed (`template_category_update`). For a change
   * Meta only announces, `newCategory` is still the current category and
   * `upcomingCategory`/`upcomingAt` say what it becomes and when.
   */
  | {
      kind: 'template_category';
      wabaId: string;
      templateId: string | null;
      name: string;
      language: string | null;
      previousCategory: string | null;
      newCategory: string;
      upcomingCategory: string | null;
      upcomingAt: Date | null;
    }
  /** Messaging limit or throughput of the account's numbers changed (`phone_number_quality_update`). */
  | {
      kind: 'number_quality';
      wabaId: string;
      displayPhoneNumber: string | null;
      event: string;
      currentLimit: string | null;
      oldLimit: string | null;
    }
  /** `account_update` and `business_capability_update`, with Meta's value kept whole in `detail`. */
  | { kind: 'account_update'; wabaId: string; field: string; event: string | null; detail: Record<string, unknown> }
  /** A system or app-level error reported in `value.errors[]` of a `messages` change. */
  | { kind: 'error'; wabaId: string; phoneNumberId: string | null; code: number; title: string; details: string | null }
  | { kind: 'skipped'; wabaId: string; field: string; reason: string };
