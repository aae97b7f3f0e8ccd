import type { CallbackRetry } from '../common/webhook-dispatcher';
import type { HubSpotObjectType, PropertyType } from './hubspot-schema';

/** A webhook subscription of the app, as set in its settings (`contact.propertyChange` needs a property). */
export interface HubSpotSubscription {
  subscriptionType:
    'contact.creation' | 'contact.deletion' | 'contact.propertyChange' | 'deal.creation' | 'deal.deletion' | 'deal.propertyChange';
  propertyName?: string;
}

export interface HubSpotSimulatorOptions {
  portalId?: number;
  appId?: number;
  /** Private app access tokens (never expire; subject to the daily limit). */
  privateAppTokens?: string[];
  oauth?: {
    clientId: string;
    clientSecret: string;
    /** Refresh tokens that exist from the start (an installed app). */
    refreshTokens?: string[];
    /** Authorization codes that exist from the start (the install redirect already happened). */
    authorizationCodes?: string[];
    /** HubSpot issues 30-minute access tokens. */
    accessTokenTtlSeconds?: number;
  };
  webhooks?: {
    targetUrl?: string;
    /** Signs the v3 signature; defaults to the OAuth client secret. */
    clientSecret?: string;
    subscriptions?: HubSpotSubscription[];
    /** Events are collected this long and sent together (HubSpot batches up to 100). */
    batchWindowMs?: number;
    maxEventsPerRequest?: number;
    retry?: CallbackRetry;
    /** Changes made through the API are announced too (HubSpot does; clients must recognise their own). */
    includeApiChanges?: boolean;
  };
  limits?: {
    /** Requests per interval for a private app (Professional/Enterprise: 190 per 10 s). */
    privateAppPerInterval?: number;
    /** Requests per interval for an OAuth app (110 per 10 s). */
    oauthPerInterval?: number;
    intervalMs?: number;
    /** Private apps' daily requests (Professional: 650,000). */
    daily?: number;
    /** CRM search requests per second for the account (5). */
    searchPerSecond?: number;
  };
  /** Time before a created or updated record is seen by search. */
  searchLagMs?: number;
  customProperties?: { objectType: HubSpotObjectType; name: string; label?: string; type?: PropertyType }[];
}

export interface ResolvedHubSpotOptions {
  portalId: number;
  appId: number;
  privateAppTokens: string[];
  oauth: { clientId: string; clientSecret: string; refreshTokens: string[]; authorizationCodes: string[]; accessTokenTtlMs: number } | null;
  webhooks: {
    targetUrl: string | null;
    clientSecret: string | null;
    subscriptions: HubSpotSubscription[];
    batchWindowMs: number;
    maxEventsPerRequest: number;
    retry: CallbackRetry;
    includeApiChanges: boolean;
  };
  limits: { privateAppPerInterval: number; oauthPerInterval: number; intervalMs: number; daily: number; searchPerSecond: number };
  searchLagMs: number;
  customProperties: { objectType: HubSpotObjectType; name: string; label: string; type: PropertyType }[];
}

export const DEFAULT_CONTACT_SUBSCRIPTIONS: HubSpotSubscription[] = [
  { subscriptionType: 'contact.creation' },
  { subscriptionType: 'contact.deletion' },
  ...['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'hs_whatsapp_phone_number', 'lifecyclestage', 'hs_lead_status'].map(
    (propertyName): HubSpotSubscription => ({ subscriptionType: 'contact.propertyChange', propertyName }),
  ),
];

export function resolveHubSpotOptions(options: HubSpotSimulatorOptions): ResolvedHubSpotOptions {
  const oauth = options.oauth
    ? {
        clientId: options.oauth.clientId,
        clientSecret: options.oauth.clientSecret,
        refreshTokens: options.oauth.refreshTokens ?? [],
        authorizationCodes: options.oauth.authorizationCodes ?? [],
        accessTokenTtlMs: (options.oauth.accessTokenTtlSeconds ?? 1800) * 1000,
      }
    : null;
  const webhooks = options.webhooks ?? {};
  return {
    portalId: options.portalId ?? 40_000_001,
    appId: options.appId ?? 3_000_001,
    privateAppTokens: options.privateAppTokens ?? [],
    oauth,
    webhooks: {
      targetUrl: webhooks.targetUrl ?? null,
      clientSecret: webhooks.clientSecret ?? oauth?.clientSecret ?? null,
      subscriptions: webhooks.subscriptions ?? DEFAULT_CONTACT_SUBSCRIPTIONS,
      batchWindowMs: webhooks.batchWindowMs ?? 200,
      maxEventsPerRequest: webhooks.maxEventsPerRequest ?? 100,
      retry: webhooks.retry ?? { attempts: 10, firstDelayMs: 1000 },
      includeApiChanges: webhooks.includeApiChanges ?? true,
    },
    limits: {
      privateAppPerInterval: options.limits?.privateAppPerInterval ?? 190,
      oauthPerInterval: options.limits?.oauthPerInterval ?? 110,
      intervalMs: options.limits?.intervalMs ?? 10_000,
      daily: options.limits?.daily ?? 650_000,
      searchPerSecond: options.limits?.searchPerSecond ?? 5,
    },
    searchLagMs: options.searchLagMs ?? 10_000,
    customProperties: (options.customProperties ?? []).map((property) => ({
      objectType: property.objectType,
      name: property.name,
      label: property.label ?? property.name,
      type: property.type ?? 'string',
    })),
  };
}
