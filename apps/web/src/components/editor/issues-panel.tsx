'use client';

import { useEditorState } from './editor-context';
import styles from './flow-editor.module.css';
import { useFlowIssues } from './flow-issues-context';
import { useGoToStep } from './use-go-to-step';

/** Everything to fix before publishing, each with a way to the step it is about. */
export function IssuesPanel() {
  const issues = useFlowIssues();
  const document = useEditorState((s) => s.document);
  const goTo = useGoToStep();

  return (
    <section className={styles.panelSection} aria-label="Checklist">
      <h2>Checklist</h2>
      {issues.length === 0 ? (
        <p className={styles.ok}>Ready to publish: no problems found.</p>
      ) : (
        <>
          <p className={styles.muted}>
            {issues.length === 1 ? '1 problem to fix before publishing.' : `${issues.length} problems to fix before publishing.`}
          </p>
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
