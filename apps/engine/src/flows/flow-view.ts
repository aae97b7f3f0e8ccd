import { flowDocumentSchema } from '@parley/flow-core';
import { z } from 'zod';
import { documentedAs } from '../common/json-schema-of';
import type { FlowVersion } from './flow-version.entity';
import type { Flow } from './flow.entity';

/** A stored flow document (drafts and versions are stored parsed, so they have the current shape). */
export const flowDocumentView = documentedAs(z.record(z.string(), z.unknown()), flowDocumentSchema);

export const flowSummaryViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  revision: z.number().int().meta({ description: 'The draft revision; a save must name it (409 when it moved on)' }),
  status: z.enum(['draft', 'published']),
  publishedVersion: z.object({ id: z.uuid(), version: z.number().int(), publishedAt: z.iso.datetime() }).nullable(),
  archivedAt: z.iso.datetime().nullable().meta({ description: 'When the flow was archived (out of the list, never running); null in use' }),
  deletable: z.boolean().meta({ description: 'True while the flow was never published, tested or run: only then can it be deleted' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const flowViewSchema = flowSummaryViewSchema.extend({ definition: flowDocumentView });

export const flowVersionSummaryViewSchema = z.object({
  id: z.uuid(),
  flowId: z.uuid(),
  version: z.number().int(),
  triggerType: z.string(),
  publishedBy: z.uuid().nullable(),
  publishedAt: z.iso.datetime(),
});

export const flowVersionViewSchema = flowVersionSummaryViewSchema.extend({ definition: flowDocumentView });

export interface FlowSummaryView {
  id: string;
  name: string;
  description: string;
  revision: number;
  status: 'draft' | 'published';
  publishedVersion: { id: string; version: number; publishedAt: string } | null;
  /** When the flow was archived (out of the list, not running), or null. */
  archivedAt: string | null;
  /** True while the flow was never published, tested or run: only such a flow can be deleted (others are archived). */
  deletable: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface FlowView extends FlowSummaryView {
  definition: Record<string, unknown>;
}

export function viewFlowSummary(flow: Flow, published: FlowVersion | null, hasHistory: boolean): FlowSummaryView {
  return {
    id: flow.id,
    name: flow.name,
    description: flow.description,
    revision: flow.draftRevision,
    status: published ? 'published' : 'draft',
    publishedVersion: published ? { id: published.id, version: published.version, publishedAt: published.createdAt.toISOString() } : null,
    archivedAt: flow.archivedAt?.toISOString() ?? null,
    deletable: !hasHistory,
    createdAt: flow.createdAt.toISOString(),
    updatedAt: flow.updatedAt.toISOString(),
  };
}

export function viewFlow(flow: Flow, published: FlowVersion | null, hasHistory: boolean): FlowView {
  return { ...viewFlowSummary(flow, published, hasHistory), definition: flow.draft };
}

export function viewFlowVersionSummary(version: FlowVersion) {
  return {
    id: version.id,
    flowId: version.flowId,
    version: version.version,
    triggerType: version.triggerType,
    publishedBy: version.publishedBy,
    publishedAt: version.createdAt.toISOString(),
  };
}

export function viewFlowVersion(version: FlowVersion) {
  return { ...viewFlowVersionSummary(version), definition: version.definition };
}
