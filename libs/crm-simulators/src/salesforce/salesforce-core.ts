import { CallLog } from '../common/call-log';
import { FaultPlan } from '../common/fault-plan';
import { RollingCounter } from '../common/rolling-counter';
import { SimClock } from '../common/sim-clock';
import { TokenStore } from '../common/token-store';
import { type ResolvedSalesforceOptions, resolveSalesforceOptions, type SalesforceSimulatorOptions } from './salesforce-options';
import { SalesforceStore } from './salesforce-store';

/** A server-side query cursor (`nextRecordsUrl`). */
export interface QueryCursor {
  ids: { sobject: string; id: string }[];
  fieldNames: string[];
  position: number;
  batchSize: number;
  expiresAt: number;
}

/** Everything one simulated Salesforce org holds; the routes read and change it. */
export class SalesforceCore {
  readonly clock = new SimClock();
  readonly options: ResolvedSalesforceOptions;
  readonly store: SalesforceStore;
  readonly tokens: TokenStore;
  readonly daily: RollingCounter;
  readonly faults = new FaultPlan();
  readonly calls = new CallLog();
  readonly cursors = new Map<string, QueryCursor>();
  private cursorSeq = 1;
  baseUrl = '';

  constructor(input: SalesforceSimulatorOptions) {
    this.options = resolveSalesforceOptions(input);
    this.store = new SalesforceStore(() => this.clock.now());
    this.tokens = new TokenStore('00DSm0000000001!AQ.', this.options.oauth.sessionTtlMs);
    for (const token of this.options.oauth.refreshTokens) this.tokens.addRefreshToken(token);
    for (const code of this.options.oauth.authorizationCodes) this.tokens.addAuthorizationCode(code);
    this.daily = new RollingCounter(86_400_000, this.options.dailyApiRequests);
  }

  now(): number {
    return this.clock.now();
  }

  newCursorId(): string {
    const id = `01gSm${String(this.cursorSeq++).padStart(10, '0')}`;
    return id;
  }

  limitHeader(): Record<string, string> {
    return { 'Sforce-Limit-Info': `api-usage=${this.daily.used(this.now())}/${this.daily.max}` };
  }
}
