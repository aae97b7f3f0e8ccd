import type { FlowSummary } from '@/lib/flow-summary';

interface FlowStatusBadgeProps {
  flow: Pick<FlowSummary, 'status' | 'publishedVersion'>;
}

/** "Published v3" when customers are being answered by a version of the flow, "Draft" otherwise. */
export function FlowStatusBadge({ flow }: FlowStatusBadgeProps) {
  if (flow.status === 'published' && flow.publishedVersion) {
    return <span className="badge badge-success">Published v{flow.publishedVersion.version}</span>;
  }
  return <span className="badge">Draft</span>;
}
