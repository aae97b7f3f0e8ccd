import type { AppliedCategory, MessageCategory } from '@parley/node-sdk';

export type Consent = 'unknown' | 'opted_in' | 'opted_out';

/** The send being judged. */
export interface PolicySend {
  /** Flow sends follow every rule; an agent's own message only WhatsApp's hard limits. */
  origin: 'flow' | 'agent';
  /** The category the rules judge by: Meta's for a template (see `applyRegistryCategory`), the step's for free-form. */
  category: MessageCategory;
  /** What the step (or agent) said the message is. */
  declaredCategory: MessageCategory;
  /** Where `category` comes from; a send is described as `declared` until the registry is read. */
  categorySource: AppliedCategory['source'];
  /** The registry's spelling of the template's category (MARKETING...), when it has the template. */
  registryCategory: string | null;
  /** Free-form (text, media, interactive) or an approved template. */
  kind: 'free_form' | 'template';
  templateName: string | null;
  templateLanguage: string | null;
  /** Body, header and button parameter counts of the template as sent. */
  templateParameters: { body: number; header: number; buttons: number } | null;
  /** A hash of what the customer will see, for "same content" limits. */
  contentHash: string;
  /** Whether a template fallback exists for when the window is closed. */
  hasFallback: boolean;
}

/** What the gate knows about the contact, the history of sends and the workspace. */
export interface PolicyFacts {
  now: Date;
  contact: {
    phoneE164: string | null;
    waId: string;
    timeZone: string;
    lastInboundAt: Date | null;
    marketingConsent: Consent;
    marketingConsentSource: string | null;
    transactionalConsent: Consent;
    transactionalConsentSource: string | null;
  };
  /** Sends to this contact, from the messages table. */
  history: {
    lastOutboundAt: Date | null;
    lastMarketingAt: Date | null;
    templatesLast24h: number;
    lastTemplateAt: Date | null;
    sameContentLast30Days: number;
    lastSameNotificationAt: Date | null;
  };
  /** Set when automation is paused for the contact (human takeover, by hand, workspace-wide). */
  pause: { cause: string; until: Date | null } | null;
  /** The template in the registry, when the registry was synced for this number's account. */
  template:
    { status: string; category: string; parameters: { body: number; header: number; buttons: number } } | 'unknown' | 'not_synced' | null;
}
