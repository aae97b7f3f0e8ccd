import type { HubSpotSimulatorOptions, SalesforceSimulatorOptions, ZohoSimulatorOptions } from '@parley/crm-simulators';
import { z } from 'zod';

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int()
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535');
const count = (max: number) => z.coerce.number({ error: 'must be a whole number' }).int().min(0).max(max);
const milliseconds = z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(0).max(3_600_000);
const secret = z.string().min(8, 'must be at least 8 characters').max(300);
const CRMS = ['hubspot', 'zoho', 'salesforce'] as const;
type Crm = (typeof CRMS)[number];

/** Every variable the CRM simulators read, with its default (docs/CONFIGURATION.md lists them). */
export const crmSimulatorsEnvSchema = z.object({
  CRM_SIMULATORS: z
    .string()
    .default('hubspot,zoho,salesforce')
    .transform((value, context) => {
      const names = value
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== '');
      const chosen: Crm[] = [];
      for (const name of names) {
        const crm = CRMS.find((candidate) => candidate === name);
        if (!crm) context.addIssue({ code: 'custom', message: `"${name}" is not one of ${CRMS.join(', ')}` });
        else chosen.push(crm);
      }
      return chosen;
    }),
  CRM_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  HUBSPOT_SIM_PORT: port.default(3003),
  ZOHO_SIM_PORT: port.default(3004),
  SALESFORCE_SIM_PORT: port.default(3005),

  HUBSPOT_SIM_PORTAL_ID: count(9_999_999_999).default(40_000_001),
  HUBSPOT_SIM_PRIVATE_APP_TOKEN: secret.default('pat-sim-hubspot-private-app-token'),
  HUBSPOT_SIM_CLIENT_ID: z.string().min(1).max(200).default('hubspot-sim-client-id'),
  HUBSPOT_SIM_CLIENT_SECRET: secret.default('hubspot-sim-client-secret'),
  HUBSPOT_SIM_REFRESH_TOKEN: secret.default('hubspot-sim-refresh-token'),
  HUBSPOT_SIM_WEBHOOK_URL: z.url({ error: 'must be a URL (where HubSpot webhooks are posted)' }).optional(),
  HUBSPOT_SIM_SEARCH_LAG_MS: milliseconds.default(3000),
  HUBSPOT_SIM_PER_10S: count(100_000).min(1).default(190),
  HUBSPOT_SIM_DAILY: count(100_000_000).min(1).default(650_000),
  HUBSPOT_SIM_SEED_CONTACTS: count(200_000).default(0),

  ZOHO_SIM_DATA_CENTRE: z
    .enum(['com', 'eu', 'in', 'com.au', 'jp', 'com.cn', 'ca', 'sa'], { error: 'must be com, eu, in, com.au, jp, com.cn, ca or sa' })
    .default('eu'),
  ZOHO_SIM_CLIENT_ID: z.string().min(1).max(200).default('1000.ZOHOSIMCLIENT'),
  ZOHO_SIM_CLIENT_SECRET: secret.default('zoho-sim-client-secret'),
  ZOHO_SIM_REFRESH_TOKEN: secret.default('1000.zoho-sim-refresh-token'),
  ZOHO_SIM_CREDITS: count(100_000_000).min(1).default(50_000),
  ZOHO_SIM_CONCURRENCY: count(1000).min(1).default(20),
  ZOHO_SIM_UNIQUE_FIELDS: z
    .string()
    .default('')
    .transform((value, context) => {
      const out: { Contacts: string[]; Leads: string[]; Deals: string[] } = { Contacts: [], Leads: [], Deals: [] };
      for (const item of value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')) {
        const [module, field] = item.split('.');
        if ((module === 'Contacts' || module === 'Leads' || module === 'Deals') && field && /^[A-Za-z_]+$/.test(field))
          out[module].push(field);
        else context.addIssue({ code: 'custom', message: `"${item}" is not Module.Field (Contacts, Leads or Deals)` });
      }
      return out;
    }),
  ZOHO_SIM_SEED_CONTACTS: count(200_000).default(0),

  SALESFORCE_SIM_CLIENT_ID: z.string().min(1).max(200).default('3MVG9salesforce-sim-client-id'),
  SALESFORCE_SIM_CLIENT_SECRET: secret.default('salesforce-sim-client-secret'),
  SALESFORCE_SIM_REFRESH_TOKEN: secret.default('5Aep861salesforce-sim-refresh-token'),
  SALESFORCE_SIM_USERNAME: z.string().min(1).max(200).default('integration@parley-sim.example.com'),
  SALESFORCE_SIM_PASSWORD: secret.default('salesforce-sim-password'),
  SALESFORCE_SIM_DAILY_REQUESTS: count(100_000_000).min(1).default(100_000),
  SALESFORCE_SIM_SEED_CONTACTS: count(200_000).default(0),
});

export type CrmSimulatorsEnv = z.output<typeof crmSimulatorsEnvSchema>;

export interface CrmSimulatorsConfig {
  host: string;
  hubspot: { port: number; options: HubSpotSimulatorOptions; seedContacts: number } | null;
  zoho: { port: number; options: ZohoSimulatorOptions; seedContacts: number } | null;
  salesforce: { port: number; options: SalesforceSimulatorOptions; seedContacts: number } | null;
}

export type CrmSimulatorsConfigResult = { ok: true; config: CrmSimulatorsConfig } | { ok: false; problems: string[] };

const PREFIXES = ['CRM_', 'HUBSPOT_SIM_', 'ZOHO_SIM_', 'SALESFORCE_SIM_'];

/** An empty variable means "use the default", as for the rest of Parley's configuration. */
function withoutBlanks(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (PREFIXES.some((prefix) => key.startsWith(prefix)) && value !== undefined && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

/** Reads the CRM simulators' configuration from environment variables; problems name the variable. */
export function loadCrmSimulatorsConfig(env: NodeJS.ProcessEnv): CrmSimulatorsConfigResult {
  const parsed = crmSimulatorsEnvSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'environment'}: ${issue.message}`),
    };
  }
  const e = parsed.data;
  const ports = [e.HUBSPOT_SIM_PORT, e.ZOHO_SIM_PORT, e.SALESFORCE_SIM_PORT];
  if (new Set(ports).size !== ports.length)
    return { ok: false, problems: ['HUBSPOT_SIM_PORT, ZOHO_SIM_PORT and SALESFORCE_SIM_PORT must differ'] };
  return {
    ok: true,
    config: {
      host: e.CRM_SIM_HOST,
      hubspot: e.CRM_SIMULATORS.includes('hubspot')
        ? {
            port: e.HUBSPOT_SIM_PORT,
            seedContacts: e.HUBSPOT_SIM_SEED_CONTACTS,
            options: {
              portalId: e.HUBSPOT_SIM_PORTAL_ID,
              privateAppTokens: [e.HUBSPOT_SIM_PRIVATE_APP_TOKEN],
              oauth: {
                clientId: e.HUBSPOT_SIM_CLIENT_ID,
                clientSecret: e.HUBSPOT_SIM_CLIENT_SECRET,
                refreshTokens: [e.HUBSPOT_SIM_REFRESH_TOKEN],
              },
              ...(e.HUBSPOT_SIM_WEBHOOK_URL ? { webhooks: { targetUrl: e.HUBSPOT_SIM_WEBHOOK_URL } } : {}),
              limits: { privateAppPerInterval: e.HUBSPOT_SIM_PER_10S, daily: e.HUBSPOT_SIM_DAILY },
              searchLagMs: e.HUBSPOT_SIM_SEARCH_LAG_MS,
            },
          }
        : null,
      zoho: e.CRM_SIMULATORS.includes('zoho')
        ? {
            port: e.ZOHO_SIM_PORT,
            seedContacts: e.ZOHO_SIM_SEED_CONTACTS,
            options: {
              dataCentre: e.ZOHO_SIM_DATA_CENTRE,
              oauth: { clientId: e.ZOHO_SIM_CLIENT_ID, clientSecret: e.ZOHO_SIM_CLIENT_SECRET, refreshTokens: [e.ZOHO_SIM_REFRESH_TOKEN] },
              creditsPer24h: e.ZOHO_SIM_CREDITS,
              concurrency: e.ZOHO_SIM_CONCURRENCY,
              uniqueFields: e.ZOHO_SIM_UNIQUE_FIELDS,
            },
          }
        : null,
      salesforce: e.CRM_SIMULATORS.includes('salesforce')
        ? {
            port: e.SALESFORCE_SIM_PORT,
            seedContacts: e.SALESFORCE_SIM_SEED_CONTACTS,
            options: {
              oauth: {
                clientId: e.SALESFORCE_SIM_CLIENT_ID,
                clientSecret: e.SALESFORCE_SIM_CLIENT_SECRET,
                refreshTokens: [e.SALESFORCE_SIM_REFRESH_TOKEN],
                username: e.SALESFORCE_SIM_USERNAME,
                password: e.SALESFORCE_SIM_PASSWORD,
              },
              dailyApiRequests: e.SALESFORCE_SIM_DAILY_REQUESTS,
            },
          }
        : null,
    },
  };
}
