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
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Body of GET /api/flows. */
export const flowListResponseSchema = z.object({ data: z.array(flowSummarySchema) });

export type FlowSummary = z.infer<typeof flowSummarySchema>;
