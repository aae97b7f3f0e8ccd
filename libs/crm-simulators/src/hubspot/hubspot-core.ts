import { CallLog } from '../common/call-log';
import { FaultPlan } from '../common/fault-plan';
import { SimClock } from '../common/sim-clock';
import { TokenStore } from '../common/token-store';
import { type HubSpotSimulatorOptions, type ResolvedHubSpotOptions, resolveHubSpotOptions } from './hubspot-options';
import { HubSpotRateLimits } from './hubspot-rate-limits';
import { HubSpotStore } from './hubspot-store';
import { HubSpotWebhooks } from './hubspot-webhooks';

/** Everything one simulated HubSpot portal holds; the routes read and change it. */
export class HubSpotCore {
  readonly clock = new SimClock();
  readonly options: ResolvedHubSpotOptions;
  readonly store: HubSpotStore;
  readonly tokens: TokenStore;
  readonly limits: HubSpotRateLimits;
  readonly faults = new FaultPlan();
  readonly calls = new CallLog();
  readonly webhooks: HubSpotWebhooks;
  baseUrl = '';

  constructor(input: HubSpotSimulatorOptions) {
    this.options = resolveHubSpotOptions(input);
    const now = () => this.clock.now();
    this.store = new HubSpotStore(this.options.portalId, now, this.options.searchLagMs);
    for (const property of this.options.customProperties) {
      this.store.addProperty(property.objectType, {
        name: property.name,
        label: property.label,
        type: property.type,
        fieldType: property.type === 'number' ? 'number' : property.type === 'datetime' ? 'date' : 'text',
      });
    }
    this.tokens = new TokenStore('sim-hs-', this.options.oauth?.accessTokenTtlMs ?? 1_800_000);
    for (const token of this.options.privateAppTokens) this.tokens.addStatic(token, 'private_app');
    for (const token of this.options.oauth?.refreshTokens ?? []) this.tokens.addRefreshToken(token, 'oauth');
    for (const code of this.options.oauth?.authorizationCodes ?? []) this.tokens.addAuthorizationCode(code, 'oauth');
    this.limits = new HubSpotRateLimits(this.options.limits);
    this.webhooks = new HubSpotWebhooks(this.options.webhooks, this.options.portalId, this.options.appId, now);
    this.store.onChange((change) => this.webhooks.handle(change));
  }

  now(): number {
    return this.clock.now();
  }
}
