'use client';

import { useReactFlow } from '@xyflow/react';
import { useEditorContext, useEditorState } from './editor-context';
import { useFlowIssues } from './flow-issues-context';
import styles from './flow-editor.module.css';

/** Everything to fix before publishing, each with a way to the step it is about. */
export function IssuesPanel() {
  const { store } = useEditorContext();
  const issues = useFlowIssues();
  const document = useEditorState((s) => s.document);
  const { setCenter, getInternalNode } = useReactFlow();

  const goTo = (nodeId: string) => {
    const node = document.nodes.find((n) => n.id === nodeId);
    if (!node) return;
    store.getState().select({ nodeIds: [nodeId], edgeIds: [], noteIds: [] });
    const internal = getInternalNode(nodeId);
    const width = internal?.measured.width ?? 248;
    const height = internal?.measured.height ?? 110;
    void setCenter(node.position.x + width / 2, node.position.y + height / 2, { zoom: 1, duration: 250 });
    // Focus the step so keyboard users land on it too.
    requestAnimationFrame(() => {
      const element = globalThis.document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`);
      element?.focus();
    });
  };

  return (
    <section className={styles.panelSection} aria-label="Checklist">
      <h2>Checklist</h2>
      {issues.length === 0 ? (
        <p className={styles.ok}>Ready to publish: no problems found.</p>
      ) : (
        <>
          <p className={styles.muted}>{issues.length === 1 ? '1 problem to fix before publishing.' : `${issues.length} problems to fix before publishing.`}</p>
          <ul className={styles.checklist}>
            {issues.map((issue, index) => (
              <li key={`${issue.code}-${issue.nodeId ?? ''}-${index}`}>
                <span>{issue.message}</span>
                {issue.nodeId && document.nodes.some((n) => n.id === issue.nodeId) ? (
                  <button type="button" className="button button-secondary button-small" onClick={() => issue.nodeId && goTo(issue.nodeId)}>
                    Go to step
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
