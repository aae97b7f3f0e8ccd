import { z } from 'zod';
import { callEngine } from '../editor/engine-client';

export const numberSchema = z.object({
  id: z.string(),
  phoneNumberId: z.string(),
  displayPhoneNumber: z.string(),
  wabaId: z.string(),
  tokenUpdatedAt: z.string(),
  appSecret: z.enum(['own', 'deployment']),
  appSecretUpdatedAt: z.string().nullable(),
  qualityRating: z.string().nullable(),
  messagingLimit: z.string().nullable(),
  limitsUpdatedAt: z.string().nullable(),
  templatesSyncedAt: z.string().nullable(),
});
export type WhatsAppNumber = z.infer<typeof numberSchema>;
export const numbersResponseSchema = z.object({ data: z.array(numberSchema) });

export const templateSchema = z.object({
  id: z.string(),
  wabaId: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  statusReason: z.string().nullable(),
  syncedAt: z.string().nullable(),
});
export type MessageTemplate = z.infer<typeof templateSchema>;
export const templatesResponseSchema = z.object({ data: z.array(templateSchema) });

export function addNumber(input: {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
  appSecret?: string;
}) {
  return callEngine('/api/whatsapp/numbers', numberSchema, { method: 'POST', body: JSON.stringify(input) });
}

export function rotateToken(id: string, accessToken: string) {
  return callEngine(`/api/whatsapp/numbers/${encodeURIComponent(id)}/token`, numberSchema, {
    method: 'PUT',
    body: JSON.stringify({ accessToken }),
  });
}

export function setAppSecret(id: string, appSecret: string) {
  return callEngine(`/api/whatsapp/numbers/${encodeURIComponent(id)}/app-secret`, numberSchema, {
    method: 'PUT',
    body: JSON.stringify({ appSecret }),
  });
}

export function syncTemplates(id: string) {
  return callEngine(
    `/api/whatsapp/numbers/${encodeURIComponent(id)}/templates/sync`,
    z.object({ synced: z.number(), removed: z.number() }),
    {
      method: 'POST',
      body: '{}',
    },
  );
}

/** Meta's tier names, as a person reads them. */
export function describeTier(tier: string | null): string {
  switch (tier) {
    case null:
      return 'Not reported yet';
    case 'TIER_50':
      return '50 customers / 24 h';
    case 'TIER_250':
      return '250 customers / 24 h';
    case 'TIER_1K':
      return '1,000 customers / 24 h';
    case 'TIER_2K':
      return '2,000 customers / 24 h';
    case 'TIER_10K':
      return '10,000 customers / 24 h';
    case 'TIER_100K':
      return '100,000 customers / 24 h';
    case 'TIER_UNLIMITED':
      return 'Unlimited';
    default:
      return tier;
  }
}

/** The tone of a quality event or template status: good, warning or bad. */
export function tone(value: string | null): 'good' | 'warn' | 'bad' | 'neutral' {
  if (value === null) return 'neutral';
  const v = value.toUpperCase();
  if (['APPROVED', 'UPGRADE', 'UNFLAGGED', 'GREEN', 'HIGH'].includes(v)) return 'good';
  if (['PENDING', 'IN_APPEAL', 'FLAGGED', 'YELLOW', 'MEDIUM', 'PAUSED'].includes(v)) return 'warn';
  if (['REJECTED', 'DISABLED', 'DOWNGRADE', 'RED', 'LOW'].includes(v)) return 'bad';
  return 'neutral';
}
