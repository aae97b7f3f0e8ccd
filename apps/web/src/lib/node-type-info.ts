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
  synonyms: z.array(z.string()).default([]),
  configSchema: z.unknown(),
  defaultConfig: z.unknown().optional(),
  outputs: z.array(z.object({ name: z.string(), label: z.string() })),
  suspends: z.boolean().default(false),
});

/** Body of GET /api/node-types. */
export const nodeTypeListResponseSchema = z.object({ data: z.array(nodeTypeInfoSchema) });

export type NodeTypeInfo = z.infer<typeof nodeTypeInfoSchema>;
