import { z } from 'zod';

export const crmConnectionSchema = z.object({
  id: z.string(),
  provider: z.enum(['hubspot', 'salesforce', 'zoho']),
  name: z.string(),
  settings: z.record(z.string(), z.unknown()),
  secretsHeld: z.array(z.string()),
  status: z.enum(['active', 'paused']),
  maxAttempts: z.number(),
  retryDelayMs: z.number(),
  batchAt: z.string(),
  nextBatchAt: z.string().nullable(),
  webhookPath: z.string().nullable(),
  notifyUntil: z.string().nullable().optional(),
  notifyError: z.string().nullable().optional(),
  /** Salesforce: the connection's own poll interval in ms (null: the installation's CRM_POLL_INTERVAL_MS). */
  pollIntervalMs: z.number().nullable(),
  defaultPollIntervalMs: z.number(),
  createdAt: z.string(),
});
export type CrmConnection = z.infer<typeof crmConnectionSchema>;
export const crmConnectionListSchema = z.object({ data: z.array(crmConnectionSchema) });

const modeHealth = z.object({
  calls: z.number(),
  successRate: z.number().nullable(),
  goal: z.number(),
  belowGoal: z.boolean(),
  lagP50Ms: z.number().nullable(),
  lagP99Ms: z.number().nullable(),
});
export type CrmModeHealth = z.infer<typeof modeHealth>;

export const crmHealthSchema = z.object({
  realtime: modeHealth,
  batch: modeHealth,
  outbox: z.object({ pending: z.number(), failed: z.number(), oldestPendingAgeMs: z.number().nullable() }),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastPollAt: z.string().nullable(),
  cursorPhase: z.enum(['initial', 'incremental']),
  quota: z.record(z.string(), z.unknown()),
  failures: z.array(
    z.object({
      id: z.string(),
      contactId: z.string(),
      contactName: z.string().nullable(),
      attempts: z.number(),
      lastError: z.string().nullable(),
      changedAt: z.string(),
      fields: z.array(z.string()),
    }),
  ),
});
export type CrmHealth = z.infer<typeof crmHealthSchema>;

export const crmTestSchema = z.object({ ok: z.boolean(), account: z.string().nullable(), error: z.string().nullable() });
export const crmSyncSchema = z.object({
  ran: z.boolean(),
  pushed: z.number(),
  failed: z.number(),
  pulled: z.number(),
  conflicts: z.number(),
});

const side = z.object({ value: z.string().nullable(), changedAt: z.string(), source: z.string() });
export const crmConflictSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  contactName: z.string().nullable(),
  field: z.enum(['firstName', 'lastName', 'email', 'phone']),
  local: side,
  remote: side,
  winner: z.enum(['local', 'remote']),
  status: z.enum(['open', 'accepted_local', 'accepted_remote', 'edited', 'dismissed']),
  resolvedValue: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type CrmConflict = z.infer<typeof crmConflictSchema>;
export const crmConflictListSchema = z.object({ data: z.array(crmConflictSchema) });

export const PROVIDER_LABEL: Record<CrmConnection['provider'], string> = { hubspot: 'HubSpot', salesforce: 'Salesforce', zoho: 'Zoho CRM' };
export const FIELD_LABEL: Record<CrmConflict['field'], string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
};

/** How "Send to webhook" deliveries are signed, with the workspace key (admins only). */
export const outgoingWebhookSigningSchema = z.object({
  signingSecret: z.string(),
  signatureHeader: z.string(),
  timestampHeader: z.string(),
  idempotencyHeader: z.string(),
  scheme: z.string(),
});
export type OutgoingWebhookSigning = z.infer<typeof outgoingWebhookSigningSchema>;
