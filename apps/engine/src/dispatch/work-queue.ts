import { z } from 'zod';

/** Name of the BullMQ queue carrying work items. */
export const WORK_QUEUE = 'work';

/** Job payloads are validated on the way out of Redis, never trusted by cast. */
export const workItemSchema = z.object({ kind: z.enum(['webhook', 'contact']), id: z.string().min(1).max(100) });
