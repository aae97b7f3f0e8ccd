import { z } from 'zod';

const secret = z.string().trim().min(4, 'looks too short').max(4096);
const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

const base = {
  name: z.string().trim().min(1).max(100),
  /** A failed change is tried this many times in all, this far apart, then shown in the health view. */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  retryDelayMs: z.number().int().min(1000).max(86_400_000).default(300_000),
};

const hubspot = z.object({
  provider: z.literal('hubspot'),
  ...base,
  settings: z
    .object({
      baseUrl: httpUrl.default('https://api.hubapi.com'),
      searchLagMs: z.number().int().min(0).max(600_000).default(15_000),
    })
    .default({ baseUrl: 'https://api.hubapi.com', searchLagMs: 15_000 }),
  secrets: z.union([
    // The client secret signs the app's webhook deliveries (signature v3); without it webhooks are refused and polling alone is used.
    z.object({ privateAppToken: secret, clientSecret: secret.optional() }).strict(),
    z.object({ clientId: secret, clientSecret: secret, refreshToken: secret }).strict(),
  ]),
});

const salesforce = z.object({
  provider: z.literal('salesforce'),
  ...base,
  settings: z.object({
    /** login.salesforce.com (test.salesforce.com for sandboxes), or the local simulator. */
    loginUrl: httpUrl.default('https://login.salesforce.com'),
    apiVersion: z
      .string()
      .regex(/^v\d{2}\.0$/, 'must look like v62.0')
      .default('v62.0'),
    /** Contact or Lead: where new customers are created. */
    object: z.enum(['Contact', 'Lead']).default('Contact'),
    /**
     * How often this connection reads Salesforce's changes (by SystemModstamp), instead of CRM_POLL_INTERVAL_MS:
     * polling is Salesforce's only change feed here, so it bounds the CRM → Parley lag, and each poll is a request
     * of the org's daily allocation (every 1 s: 86,400 a day; every 2 s: 43,200).
     */
    pollIntervalMs: z.number().int().min(500).max(86_400_000).optional(),
  }),
  secrets: z.object({ clientId: secret, clientSecret: secret, refreshToken: secret }).strict(),
});

const zoho = z.object({
  provider: z.literal('zoho'),
  ...base,
  settings: z.object({
    /** The accounts server of the org's data centre (https://accounts.zoho.eu…), or the local simulator. */
    accountsUrl: httpUrl,
    module: z.enum(['Contacts', 'Leads']).default('Contacts'),
    /** Where Zoho can reach Parley for notifications (default: PUBLIC_URL); with neither, changes arrive by polling alone. */
    notifyBaseUrl: httpUrl.optional(),
  }),
  secrets: z.object({ clientId: secret, clientSecret: secret, refreshToken: secret }).strict(),
});

/** What an admin sends to create a connection: the CRM, where it is, and its secrets (sealed at rest, never returned). */
export const connectionInputSchema = z.discriminatedUnion('provider', [hubspot, salesforce, zoho]);
export type ConnectionInput = z.infer<typeof connectionInputSchema>;

export const hubspotSettingsSchema = hubspot.shape.settings;
export const hubspotSecretsSchema = hubspot.shape.secrets;
export const salesforceSettingsSchema = salesforce.shape.settings;
export const salesforceSecretsSchema = salesforce.shape.secrets;
export const zohoSettingsSchema = zoho.shape.settings;
export const zohoSecretsSchema = zoho.shape.secrets;
