export { startHubSpotSimulator } from './hubspot/hubspot-server';
export type { RunningHubSpotSimulator } from './hubspot/hubspot-server';
export type { HubSpotSimulatorOptions, HubSpotSubscription } from './hubspot/hubspot-options';
export { hubSpotSignatureV3 } from './hubspot/hubspot-signature';
export type { HubSpotWebhookEvent } from './hubspot/hubspot-webhooks';
export type { FaultSpec } from './common/fault-plan';
export type { RecordedCall } from './common/call-log';
export type { CallbackAttempt, CallbackRetry } from './common/webhook-dispatcher';
export { syntheticPerson } from './common/synthetic-people';
