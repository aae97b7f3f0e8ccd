export interface SalesforceSimulatorOptions {
  oauth: {
    clientId: string;
    clientSecret: string;
    refreshTokens?: string[];
    authorizationCodes?: string[];
    /** Username-password flow (for scripts and demos). */
    username?: string;
    password?: string;
    /** Sessions time out after this long (Salesforce's default session timeout is 2 hours). */
    sessionTtlSeconds?: number;
  };
  /** The rolling 24-hour API request allocation (100,000 + licences × 1,000 in Enterprise Edition). */
  dailyApiRequests?: number;
  /** The newest API version served (paths with v20.0 up to it answer). */
  latestApiVersion?: number;
}

export interface ResolvedSalesforceOptions {
  oauth: {
    clientId: string;
    clientSecret: string;
    refreshTokens: string[];
    authorizationCodes: string[];
    username: string | null;
    password: string | null;
    sessionTtlMs: number;
  };
  dailyApiRequests: number;
  latestApiVersion: number;
}

export function resolveSalesforceOptions(options: SalesforceSimulatorOptions): ResolvedSalesforceOptions {
  return {
    oauth: {
      clientId: options.oauth.clientId,
      clientSecret: options.oauth.clientSecret,
      refreshTokens: options.oauth.refreshTokens ?? [],
      authorizationCodes: options.oauth.authorizationCodes ?? [],
      username: options.oauth.username ?? null,
      password: options.oauth.password ?? null,
      sessionTtlMs: (options.oauth.sessionTtlSeconds ?? 7200) * 1000,
    },
    dailyApiRequests: options.dailyApiRequests ?? 100_000,
    latestApiVersion: options.latestApiVersion ?? 66,
  };
}
