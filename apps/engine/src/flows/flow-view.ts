import type { FlowVersion } from './flow-version.entity';
import type { Flow } from './flow.entity';

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
