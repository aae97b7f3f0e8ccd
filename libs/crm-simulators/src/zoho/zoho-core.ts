import { CallLog } from '../common/call-log';
import { FaultPlan } from '../common/fault-plan';
import { SimClock } from '../common/sim-clock';
import { TokenStore } from '../common/token-store';
import { ZohoLimits } from './zoho-limits';
import { ZohoNotifications } from './zoho-notifications';
import { type ResolvedZohoOptions, resolveZohoOptions, type ZohoSimulatorOptions } from './zoho-options';
import { ZohoStore } from './zoho-store';

/** Everything one simulated Zoho CRM org holds; the routes read and change it. */
export class ZohoCore {
  readonly clock = new SimClock();
  readonly options: ResolvedZohoOptions;
  readonly store: ZohoStore;
  readonly tokens: TokenStore;
  readonly limits: ZohoLimits;
  readonly faults = new FaultPlan();
  readonly calls = new CallLog();
  readonly notifications: ZohoNotifications;
  readonly apiVersion = 'v8';
  baseUrl = '';

  constructor(input: ZohoSimulatorOptions) {
    this.options = resolveZohoOptions(input);
    const now = () => this.clock.now();
    this.store = new ZohoStore(now, this.options.searchLagMs, this.options.uniqueFields);
    this.tokens = new TokenStore('1000.sim', this.options.oauth.accessTokenTtlMs);
    for (const token of this.options.oauth.refreshTokens) this.tokens.addRefreshToken(token);
    for (const code of this.options.oauth.authorizationCodes) this.tokens.addAuthorizationCode(code);
    this.limits = new ZohoLimits(this.options.creditsPer24h, this.options.concurrency);
    this.notifications = new ZohoNotifications(
      this.options.notifications,
      now,
      (module) => `${this.baseUrl}/crm/${this.apiVersion}/${module}`,
    );
    this.store.onChange((change) => this.notifications.handle(change));
  }

  now(): number {
    return this.clock.now();
  }
}
