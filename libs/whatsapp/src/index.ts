export { toAsciiJson } from './ascii-json';
export { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from './webhook-signature';
export { WEBHOOK_LIMITS, webhookLimitProblem } from './webhook-limits';
export type { WebhookLimits } from './webhook-limits';
export { inboundMessageSchema, messagesValueSchema, parseWebhookItems, statusSchema, webhookEnvelopeSchema } from './webhook-payload';
export type {
  InboundMediaKind,
  InboundMessage,
  MessageChange,
  MessageStatusUpdate,
  WebhookEnvelope,
  WebhookError,
  WebhookItem,
  WebhookSender,
} from './webhook-payload';
export { MESSAGING_LIMIT_TIERS_BY_NAME } from './messaging-limits';
export { graphErrorPolicy, isRetryable } from './graph-error-policy';
export type { GraphErrorAction, GraphErrorPolicy } from './graph-error-policy';
export { sendGraphMessage } from './graph-client';
export type { GraphSendResult, GraphTarget } from './graph-client';
export { markMessageRead } from './mark-message-read';
export type { MarkReadResult } from './mark-message-read';
export { fetchMessageTemplates } from './message-templates';
export type { GraphAccountTarget, GraphTemplate, GraphTemplatesResult } from './message-templates';
export { templateParameterCounts } from './template-parameters';
export type { TemplateParameterCounts } from './template-parameters';
export { validateOutboundMessage } from './outbound-message-validation';
export type { OutboundValidation } from './outbound-message-validation';
export { downloadGraphMedia, uploadGraphMedia } from './graph-media';
export type { GraphMediaDownload, GraphMediaUpload } from './graph-media';
