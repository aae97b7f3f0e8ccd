import { RollingCounter } from '../common/rolling-counter';
import { hubSpotError } from './hubspot-errors';
import type { ResolvedHubSpotOptions } from './hubspot-options';

export type TokenKind = 'private_app' | 'oauth';

const DAY_MS = 86_400_000;

/**
 * HubSpot's request limits: a rolling burst window per app (private apps and
 * OAuth apps have their own), a daily allowance for private apps, and the
 * search endpoints' own per-second limit. Answers carry the
 * `X-HubSpot-RateLimit-*` headers; a refused call gets HubSpot's 429 body.
 */
export class HubSpotRateLimits {
  private readonly burst: Record<TokenKind, RollingCounter>;
  private readonly daily: RollingCounter;
  private readonly search: RollingCounter;

  constructor(private readonly limits: ResolvedHubSpotOptions['limits']) {
    this.burst = {
      private_app: new RollingCounter(limits.intervalMs, limits.privateAppPerInterval),
      oauth: new RollingCounter(limits.intervalMs, limits.oauthPerInterval),
    };
    // HubSpot resets the daily count at midnight in the account's time zone; a rolling day is close enough here.
    this.daily = new RollingCounter(DAY_MS, limits.daily);
    this.search = new RollingCounter(1000, limits.searchPerSecond);
  }

  /** Counts a call and returns its headers, or throws the 429 HubSpot answers. */
  take(kind: TokenKind, isSearch: boolean, now: number): Record<string, string> {
    if (kind === 'private_app' && !this.daily.tryTake(now)) {
      throw hubSpotError(429, 'RATE_LIMITS', 'You have reached your daily limit.', {
        headers: this.headers(kind, now),
      }).withBody({ errorType: 'RATE_LIMIT', policyName: 'DAILY' });
    }
    if (isSearch) {
      if (!this.search.tryTake(now)) {
        throw hubSpotError(429, 'RATE_LIMITS', 'You have reached your secondly limit.').withBody({
          errorType: 'RATE_LIMIT',
          policyName: 'SECONDLY',
        });
      }
      // The search endpoints answer without the rate-limit headers.
      return {};
    }
    if (!this.burst[kind].tryTake(now)) {
      throw this.burstRefusal(kind, now);
    }
    return this.headers(kind, now);
  }

  burstRefusal(kind: TokenKind, now: number): ReturnType<typeof hubSpotError> {
    return hubSpotError(429, 'RATE_LIMITS', 'You have reached your ten_secondly_rolling limit.', {
      headers: this.headers(kind, now),
    }).withBody({ errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
  }

  headers(kind: TokenKind, now: number): Record<string, string> {
    const burst = this.burst[kind];
    const perSecond = Math.ceil(burst.max / Math.max(1, this.limits.intervalMs / 1000));
    const headers: Record<string, string> = {
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(this.limits.intervalMs),
      'X-HubSpot-RateLimit-Max': String(burst.max),
      'X-HubSpot-RateLimit-Remaining': String(burst.remaining(now)),
      'X-HubSpot-RateLimit-Secondly': String(perSecond),
      'X-HubSpot-RateLimit-Secondly-Remaining': String(Math.min(perSecond, burst.remaining(now))),
    };
    // OAuth apps have no daily limit and get no daily headers.
    if (kind === 'private_app') {
      headers['X-HubSpot-RateLimit-Daily'] = String(this.daily.max);
      headers['X-HubSpot-RateLimit-Daily-Remaining'] = String(this.daily.remaining(now));
    }
    return headers;
  }

  usage(now: number): Record<string, unknown> {
    return {
      privateApp: { used: this.burst.private_app.used(now), max: this.burst.private_app.max, intervalMs: this.limits.intervalMs },
      oauth: { used: this.burst.oauth.used(now), max: this.burst.oauth.max, intervalMs: this.limits.intervalMs },
      daily: { used: this.daily.used(now), max: this.daily.max },
      searchPerSecond: { used: this.search.used(now), max: this.search.max },
    };
  }

  reset(): void {
    this.burst.private_app.reset();
    this.burst.oauth.reset();
    this.daily.reset();
    this.search.reset();
  }
}
