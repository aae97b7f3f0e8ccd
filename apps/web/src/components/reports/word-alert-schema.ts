import { z } from 'zod';

// Not in the editor's module: a 'use client' module's exports reach a server component as client references, not as
// the schema itself (the watched-words page parses the engine's list with it on the server).
/** A watched-word alert as the engine shows it (GET /api/reports/word-alerts). */
export const wordAlertSchema = z.object({
  id: z.string(),
  term: z.string(),
  direction: z.enum(['under', 'over']),
  threshold: z.number(),
  periodDays: z.number(),
  breachedAt: z.string().nullable(),
  lastShare: z.number().nullable(),
  lastMessages: z.number().nullable(),
  checkedAt: z.string().nullable(),
});
export type WordAlert = z.infer<typeof wordAlertSchema>;
