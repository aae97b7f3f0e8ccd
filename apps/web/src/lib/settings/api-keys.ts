import { z } from 'zod';
import { callEngine } from '../editor/engine-client';

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  revoked: z.boolean(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;
export const apiKeysResponseSchema = z.object({ data: z.array(apiKeySchema) });

export function createApiKey(name: string) {
  return callEngine('/api/api-keys', z.object({ id: z.string(), name: z.string(), key: z.string() }), {
    method: 'POST',
    body: JSON.stringify({ name }),
  });
}

export function revokeApiKey(id: string) {
  return callEngine(`/api/api-keys/${encodeURIComponent(id)}`, z.unknown(), { method: 'DELETE' });
}
