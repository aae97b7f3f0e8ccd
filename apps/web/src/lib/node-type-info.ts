import { z } from 'zod';

/** The part of a GET /api/node-types entry the web app reads. */
export const nodeTypeInfoSchema = z.object({
  type: z.string(),
  version: z.number(),
  latest: z.boolean(),
  kind: z.string(),
  category: z.string(),
  displayName: z.string(),
  description: z.string(),
  configSchema: z.unknown(),
  outputs: z.array(z.object({ name: z.string(), label: z.string() })),
});

/** Body of GET /api/node-types. */
export const nodeTypeListResponseSchema = z.object({ data: z.array(nodeTypeInfoSchema) });

export type NodeTypeInfo = z.infer<typeof nodeTypeInfoSchema>;
