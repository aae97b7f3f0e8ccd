export type { RuntimeEvent } from './runtime-event';
export type { RuntimeContact } from './runtime-contact';
export type {
  AppliedCategory,
  MessageCategory,
  OutboundMedia,
  OutboundWhatsAppMessage,
  SendWhatsAppRequest,
  SendWhatsAppResult,
  WhatsAppSender,
} from './whatsapp-sender';
export type {
  AutomationControl,
  ConditionEvaluator,
  ConditionResult,
  ContactActions,
  CouponIssuer,
  CrmActions,
  CrmContact,
  CrmOrder,
  HttpClient,
  HttpResult,
  Notifier,
  StepServices,
  Store,
  StoreLocator,
  WebhookSigner,
} from './step-services';
export type {
  NodeHandler,
  StepContext,
  StepHandler,
  StepResult,
  TriggerHandler,
  TriggerMatchInput,
  WaitRequest,
  WakeUp,
} from './node-handler';
export { defineStepHandler, defineTriggerHandler } from './define-handler';
