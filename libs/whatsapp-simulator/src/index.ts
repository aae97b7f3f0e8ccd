export { startSimulator } from './simulator-server';
export type { RunningSimulator, SimulatorOptions } from './simulator-server';
export { SimulatorState } from './simulator-state';
export type { InboundRecord, InjectedFault, SentMessage, SimulatedNumber, SimulatedUser } from './simulator-state';
export { deliverWebhook } from './webhook-emitter';
export type { DeliveryOutcome, WebhookTarget } from './webhook-emitter';
export { inboundPayload, inboundTextPayload } from './inbound-payload';
export type { CustomerMessage } from './inbound-payload';
export { newWamid } from './wire-ids';
