export type { RuntimeEvent, RuntimeEventType, RuntimeEventPayload, InboundMessagePayload } from './runtime-event';
export type { RuntimeContact } from './runtime-contact';
export type {
  OutboundWhatsAppMessage,
  SendWhatsAppRequest,
  SendWhatsAppResult,
  WhatsAppSender,
} from './whatsapp-sender';
export type {
  NodeHandler,
  StepContext,
  StepHandler,
  StepResult,
  StepServices,
  TriggerHandler,
  TriggerMatchInput,
} from './node-handler';
export { defineStepHandler, defineTriggerHandler } from './define-handler';
