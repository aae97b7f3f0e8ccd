/** A media object: a public link or an uploaded media id. */
export interface OutboundMedia {
  link?: string;
  id?: string;
  caption?: string;
  filename?: string;
}

/** A message body in the Cloud API's shape (without the envelope). */
export type OutboundWhatsAppMessage =
  | { type: 'text'; text: { body: string; preview_url?: boolean } }
  | {
      type: 'template';
      template: {
        name: string;
        language: { code: string };
        components?: Record<string, unknown>[];
      };
    }
  | { type: 'interactive'; interactive: Record<string, unknown> }
  | { type: 'image'; image: OutboundMedia }
  | { type: 'video'; video: OutboundMedia }
  | { type: 'audio'; audio: OutboundMedia }
  | { type: 'document'; document: OutboundMedia };

/** How the policy gate classifies a send (issue of consent and frequency rules). */
export type MessageCategory = 'service' | 'utility' | 'marketing' | 'authentication';

/**
 * The category a send was judged by, and why. A template's category is
 * Meta's (the template registry), whatever the step declares; a free-form
 * message keeps the step's.
 */
export interface AppliedCategory {
  applied: MessageCategory;
  declared: MessageCategory;
  /** `registry`: Meta's category for the template; `not_in_registry`: unknown template, judged as marketing; `declared`: free-form. */
  source: 'registry' | 'not_in_registry' | 'declared';
  /** The category as the registry spells it (MARKETING, UTILITY...), when it has the template. */
  registryCategory: string | null;
  reason: string;
}

export interface SendWhatsAppRequest {
  contactId: string;
  message: OutboundWhatsAppMessage;
  category: MessageCategory;
  /** Sent instead when the 24 h window is closed and `message` is free-form. */
  templateFallback?: Extract<OutboundWhatsAppMessage, { type: 'template' }>;
  /** Unique per (execution, node, visit): the send happens at most once for it. */
  idempotencyKey: string;
}

export type SendWhatsAppResult =
  | { status: 'accepted'; wamid: string; waId: string | null; usedFallback: boolean; category?: AppliedCategory }
  | { status: 'failed'; errorCode: string; errorMessage: string; retryable: boolean; category?: AppliedCategory }
  | { status: 'unknown'; errorMessage: string }
  /** The policy gate refused it (`retryAt` null) or deferred it; `rule` names why and `details` gives the numbers behind it. */
  | {
      status: 'blocked';
      rule: string;
      reason: string;
      retryAt: Date | null;
      details?: Record<string, unknown>;
      category?: AppliedCategory;
    };

/** The one way a node sends a WhatsApp message. */
export interface WhatsAppSender {
  send(request: SendWhatsAppRequest): Promise<SendWhatsAppResult>;
}
