export { toAsciiJson } from './ascii-json';
export { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from './webhook-signature';
export {
  inboundMessageSchema,
  messagesValueSchema,
  parseWebhookItems,
  statusSchema,
  webhookEnvelopeSchema,
} from './webhook-payload';
export type {
  InboundMessage,
  MessageStatusUpdate,
  WebhookEnvelope,
  WebhookItem,
  WebhookSender,
} from './webhook-payload';
export { graphErrorPolicy, isRetryable } from './graph-error-policy';
export type { GraphErrorAction, GraphErrorPolicy } from './graph-error-policy';
export { sendGraphMessage } from './graph-client';
export type { GraphSendResult, GraphTarget } from './graph-client';
