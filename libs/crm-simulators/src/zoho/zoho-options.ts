import type { CallbackRetry } from '../common/webhook-dispatcher';
import type { ZohoModule } from './zoho-schema';

export type ZohoDataCentre = 'com' | 'eu' | 'in' | 'com.au' | 'jp' | 'com.cn' | 'ca' | 'sa';

export interface ZohoSimulatorOptions {
  orgId?: string;
  /** The data centre the org lives in; reported in the token answer and the authorize redirect. */
  dataCentre?: ZohoDataCentre;
  oauth: {
    clientId: string;
    clientSecret: string;
    refreshTokens?: string[];
    /** Grant tokens (a "self client" code or the authorize redirect's code). */
    authorizationCodes?: string[];
    /** Zoho access tokens last an hour. */
    accessTokenTtlSeconds?: number;
  };
  /** API credits in a rolling 24 hours (Enterprise: 50,000 + 1,000 per user license). */
  creditsPer24h?: number;
  /** Requests processed at once (Free 5, Standard 10, Professional 15, Enterprise 20, Ultimate 25). */
  concurrency?: number;
  /** Time before a write is seen by the search API (not measured for Zoho: 0 by default). */
  searchLagMs?: number;
  /** Fields marked "Do not allow duplicate values" (usable in duplicate_check_fields). */
  uniqueFields?: Partial<Record<ZohoModule, string[]>>;
  notifications?: { retry?: CallbackRetry; batchWindowMs?: number };
}

export interface ResolvedZohoOptions {
  orgId: string;
  dataCentre: ZohoDataCentre;
  oauth: { clientId: string; clientSecret: string; refreshTokens: string[]; authorizationCodes: string[]; accessTokenTtlMs: number };
  creditsPer24h: number;
  concurrency: number;
  searchLagMs: number;
  uniqueFields: Record<ZohoModule, string[]>;
  notifications: { retry: CallbackRetry; batchWindowMs: number };
}

export function resolveZohoOptions(options: ZohoSimulatorOptions): ResolvedZohoOptions {
  return {
    orgId: options.orgId ?? '20000000001',
    dataCentre: options.dataCentre ?? 'eu',
    oauth: {
      clientId: options.oauth.clientId,
      clientSecret: options.oauth.clientSecret,
      refreshTokens: options.oauth.refreshTokens ?? [],
      authorizationCodes: options.oauth.authorizationCodes ?? [],
      accessTokenTtlMs: (options.oauth.accessTokenTtlSeconds ?? 3600) * 1000,
    },
    creditsPer24h: options.creditsPer24h ?? 50_000,
    concurrency: options.concurrency ?? 20,
    searchLagMs: options.searchLagMs ?? 0,
    uniqueFields: {
      Contacts: options.uniqueFields?.Contacts ?? [],
      Leads: options.uniqueFields?.Leads ?? [],
      Deals: options.uniqueFields?.Deals ?? [],
      Notes: [],
      Tasks: [],
    },
    notifications: {
      retry: options.notifications?.retry ?? { attempts: 3, firstDelayMs: 1000 },
      batchWindowMs: options.notifications?.batchWindowMs ?? 200,
    },
  };
}
