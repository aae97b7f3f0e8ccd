import type { RuntimeContact } from '@parley/node-sdk';
import { z } from 'zod';

export const runtimeContactRow = z.object({
  id: z.string(),
  wa_id: z.string().nullable(),
  phone_e164: z.string().nullable(),
  display_name: z.string().nullable(),
  first_name: z.string().nullable(),
});

export const RUNTIME_CONTACT_COLUMNS = 'id, wa_id, phone_e164, display_name, first_name';

export function toRuntimeContact(row: z.infer<typeof runtimeContactRow>): RuntimeContact {
  return { id: row.id, waId: row.wa_id, phoneE164: row.phone_e164, displayName: row.display_name, firstName: row.first_name };
}
