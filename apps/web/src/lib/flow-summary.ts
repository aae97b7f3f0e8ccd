import { z } from 'zod';

export const flowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  revision: z.number(),
  status: z.enum(['draft', 'published']),
  publishedVersion: z
    .object({
      id: z.string(),
      version: z.number(),
      publishedAt: z.string(),
    })
    .nullable(),
  /** When the flow was archived (out of the list, not running); null while it is in use. */
  archivedAt: z.string().nullable().default(null),
  /** Only a flow that was never published, tested or run can be deleted; the rest are archived. */
  deletable: z.boolean().default(false),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Body of GET /api/flows. */
export const flowListResponseSchema = z.object({ data: z.array(flowSummarySchema) });

export type FlowSummary = z.infer<typeof flowSummarySchema>;
