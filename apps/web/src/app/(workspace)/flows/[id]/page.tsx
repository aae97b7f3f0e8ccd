import { parseFlowDocument } from '@parley/flow-core';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ErrorNotice } from '@/components/error-notice';
import { FlowCanvas } from '@/components/flow-canvas';
import { FlowHeader } from '@/components/flow-header';
import { buildCanvasGraph } from '@/lib/build-canvas-graph';
import { readFromEngine } from '@/lib/engine-server';
import { isFlowId, loadFlow } from '@/lib/load-flow';
import { nodeTypeListResponseSchema } from '@/lib/node-type-info';
import styles from './flow-page.module.css';

interface FlowPageProps {
  params: Promise<{ id: string }>;
}

export async function generateMetadata({ params }: FlowPageProps): Promise<Metadata> {
  const { id } = await params;
  if (!isFlowId(id)) return { title: 'Flow not found' };
  const flow = await loadFlow(id);
  return { title: flow.ok ? flow.data.name : 'Flow' };
}

export default async function FlowPage({ params }: FlowPageProps) {
  const { id } = await params;
  if (!isFlowId(id)) notFound();
  const [flow, nodeTypes] = await Promise.all([loadFlow(id), readFromEngine('/api/node-types', nodeTypeListResponseSchema)]);
  if (!flow.ok) {
    return (
      <div className="page">
        <ErrorNotice problem={flow.problem} />
      </div>
    );
  }
  const parsed = parseFlowDocument(flow.data.definition);
  return (
    <div className={styles.page}>
      <FlowHeader flow={flow.data} />
      {!nodeTypes.ok ? (
        <div className={`notice notice-warning ${styles.banner}`} role="status">
          Node names could not be loaded ({nodeTypes.problem.title.toLowerCase()}), so nodes show their technical type.
        </div>
      ) : null}
      {parsed.ok ? (
        <FlowCanvas graph={buildCanvasGraph(parsed.document, nodeTypes.ok ? nodeTypes.data.data : [])} />
      ) : (
        <div className={styles.body}>
          <div className="notice notice-error" role="alert">
            <h2>This flow&apos;s draft cannot be displayed</h2>
            <p>The saved document is not a flow this version of Parley can read:</p>
            <ul className={styles.issues}>
              {parsed.issues.slice(0, 10).map((issue, index) => (
                <li key={`${issue.code}-${index}`}>{issue.message}</li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </div>
  );
}
