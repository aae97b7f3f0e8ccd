import { z } from 'zod';

export const flowTemplateSummarySchema = z.object({
  id: z.string(),
  number: z.number(),
  name: z.string(),
  description: z.string(),
  adjust: z.array(z.string()),
  nodeCount: z.number(),
});

/** Body of GET /api/flow-templates. */
export const flowTemplateListSchema = z.object({ data: z.array(flowTemplateSummarySchema) });

export type FlowTemplateSummary = z.infer<typeof flowTemplateSummarySchema>;

/** Body of GET /api/flow-templates/:id (the document is checked by the engine when the flow is created). */
export const flowTemplateDetailSchema = flowTemplateSummarySchema.omit({ nodeCount: true }).extend({ document: z.unknown() });
