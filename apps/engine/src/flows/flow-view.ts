import type { FlowVersion } from './flow-version.entity';
import type { Flow } from './flow.entity';

export interface FlowSummaryView {
  id: string;
  name: string;
  description: string;
  revision: number;
  status: 'draft' | 'published';
  publishedVersion: { id: string; version: number; publishedAt: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface FlowView extends FlowSummaryView {
  definition: Record<string, unknown>;
}

export function viewFlowSummary(flow: Flow, published: FlowVersion | null): FlowSummaryView {
  return {
    id: flow.id,
    name: flow.name,
    description: flow.description,
    revision: flow.draftRevision,
    status: published ? 'published' : 'draft',
    publishedVersion: published ? { id: published.id, version: published.version, publishedAt: published.createdAt.toISOString() } : null,
    createdAt: flow.createdAt.toISOString(),
    updatedAt: flow.updatedAt.toISOString(),
  };
}

export function viewFlow(flow: Flow, published: FlowVersion | null): FlowView {
  return { ...viewFlowSummary(flow, published), definition: flow.draft };
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
