import { z } from 'zod';
import { flowSummarySchema } from './flow-summary';

/**
 * Body of GET /api/flows/:id. The draft document is checked separately with
 * flow-core's `parseFlowDocument`, which also migrates older schema versions.
 */
export const flowDetailSchema = flowSummarySchema.extend({ definition: z.unknown() });

export type FlowDetail = z.infer<typeof flowDetailSchema>;
