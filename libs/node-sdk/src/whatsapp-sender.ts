/** A message body in the Cloud API's shape (without the envelope). */
export type OutboundWhatsAppMessage = { type: 'text'; text: { body: string; preview_url?: boolean } };

export interface SendWhatsAppRequest {
  contactId: string;
  message: OutboundWhatsAppMessage;
  /** Unique per (execution, node): the send happens at most once for it. */
  idempotencyKey: string;
}

export type SendWhatsAppResult =
  | { status: 'accepted'; wamid: string; waId: string | null }
  | { status: 'failed'; errorCode: string; errorMessage: string; retryable: boolean }
  | { status: 'unknown'; errorMessage: string };

/** The one way a node sends a WhatsApp message. */
export interface WhatsAppSender {
  send(request: SendWhatsAppRequest): Promise<SendWhatsAppResult>;
}
