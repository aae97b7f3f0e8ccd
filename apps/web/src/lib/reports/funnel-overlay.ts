import type { FlowDocument } from '@parley/flow-core';
import { formatCount } from './report-format';
import type { FunnelReport } from './report-schemas';

type Figures = FunnelReport['current'];

/** What the canvas shows over a flow: a line of counts per step, and how many runs took each connection. */
export interface FunnelOverlay {
  /** Step id → "Reached 1,200 · Sent 1,150 · Failed 12 · Replied 300" (words, not colours). */
  steps: ReadonlyMap<string, string>;
  /** Connection id → runs that left its step by its output (first visit of the step). */
  edges: ReadonlyMap<string, number>;
  /** False when the report has no connection counts (a tag filter, or an engine without them). */
  edgesKnown: boolean;
}

/**
 * Lays the flow's funnel (GET /api/reports/funnel?flowId=…, one version or
 * all) over its document: per step its reached/sent/failed/replied counts,
 * per connection the runs that took it. With every version, a step's counts
 * add up across versions under the same step id; a step that never ran shows
 * zeros, so the drop-off reads on the canvas.
 */
export function funnelOverlay(document: FlowDocument, figures: Figures): FunnelOverlay {
  const sums = new Map<string, { reached: number; sent: number; failed: number; replied: number }>();
  for (const step of figures.steps) {
    const sum = sums.get(step.nodeId) ?? { reached: 0, sent: 0, failed: 0, replied: 0 };
    sum.reached += step.reached;
    sum.sent += step.sent;
    sum.failed += step.failed ?? 0;
    sum.replied += step.replied;
    sums.set(step.nodeId, sum);
  }
  const steps = new Map<string, string>();
  for (const node of document.nodes) {
    const sum = sums.get(node.id) ?? { reached: 0, sent: 0, failed: 0, replied: 0 };
    const parts = [`Reached ${formatCount(sum.reached)}`];
    // Only steps that send say so: "Sent 0" on a condition would be noise.
    if (sum.sent > 0 || sum.failed > 0) parts.push(`Sent ${formatCount(sum.sent)}`, `Failed ${formatCount(sum.failed)}`);
    if (sum.replied > 0) parts.push(`Replied ${formatCount(sum.replied)}`);
    steps.set(node.id, parts.join(' · '));
  }
  const taken = new Map<string, number>();
  for (const edge of figures.edges ?? []) {
    const key = `${edge.nodeId}\u0000${edge.output}`;
    taken.set(key, (taken.get(key) ?? 0) + edge.taken);
  }
  const edges = new Map<string, number>();
  const edgesKnown = Array.isArray(figures.edges);
  if (edgesKnown) {
    for (const edge of document.edges) edges.set(edge.id, taken.get(`${edge.source}\u0000${edge.sourceOutput}`) ?? 0);
  }
  return { steps, edges, edgesKnown };
}
