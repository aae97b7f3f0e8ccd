'use client';

import '@xyflow/react/dist/style.css';
import { validateFlow } from '@parley/flow-core';
import { ReactFlowProvider } from '@xyflow/react';
import Link from 'next/link';
import { useDeferredValue, useMemo, useState } from 'react';
import { editorCatalog } from '@/lib/editor/editor-catalog';
import { createEditorStore, type LoadedFlow } from '@/lib/editor/editor-store';
import type { NodeTypeInfo } from '@/lib/node-type-info';
import { ConflictDialog } from './conflict-dialog';
import { EditorCanvas } from './editor-canvas';
import { EditorContext, type EditorContextValue, type InsertTarget } from './editor-context';
import { ArchivedNotice } from './archived-notice';
import { EditorToolbar } from './editor-toolbar';
import { FlowDetailsDialog } from './flow-details-dialog';
import styles from './flow-editor.module.css';
import { FlowIssuesContext } from './flow-issues-context';
import { InsertStepDialog } from './insert-step-dialog';
import { IssuesPanel } from './issues-panel';
import { NodeConfigPanel } from './node-config-panel';
import { NodePalette } from './node-palette';
import { PerformancePanel } from './performance-panel';
import { PublishButton } from './publish-button';
import { SaveIndicator } from './save-indicator';
import { TestRunPanel } from './test-run-panel';
import { useAutosave } from './use-autosave';
import { useEditorShortcuts } from './use-editor-shortcuts';
import { useOpeningLayout } from './use-opening-layout';
import { VersionHistoryPanel } from './version-history-panel';
import { useStore } from 'zustand';

interface FlowEditorProps {
  flowId: string;
  flow: LoadedFlow;
  nodeTypes: readonly NodeTypeInfo[];
  /** False for roles that may look but not change (support), and for an archived flow. */
  editable: boolean;
  /** Lay the flow out once its steps are measured (a flow just made from a template). */
  layOutOnOpen?: boolean;
  /** Set when the flow is archived: it does not run and cannot be changed until restored. */
  archived?: { mayRestore: boolean } | null;
}

type PanelTab = 'step' | 'checklist' | 'versions' | 'performance';

/** The flow editor: one store per open flow, the canvas, the palette, the side panel, saving and publishing. */
export function FlowEditor(props: FlowEditorProps) {
  return (
    <ReactFlowProvider>
      <FlowEditorInner {...props} />
    </ReactFlowProvider>
  );
}

function FlowEditorInner({ flowId, flow, nodeTypes, editable, layOutOnOpen = false, archived = null }: FlowEditorProps) {
  const [store] = useState(() => createEditorStore(flowId, flow));
  const [insertTarget, setInsertTarget] = useState<InsertTarget | null>(null);
  const [tab, setTab] = useState<PanelTab>('step');
  const document = useStore(store, (s) => s.document);
  const name = useStore(store, (s) => s.name);
  const description = useStore(store, (s) => s.description);
  const [editingDetails, setEditingDetails] = useState(false);
  const testMode = useStore(store, (s) => s.testMode);
  // Test mode shows runs on the canvas; nothing is edited until the user goes back to editing.
  const editing = editable && !testMode;
  // Validation runs on a deferred copy, so typing never waits for a whole-flow check.
  const deferred = useDeferredValue(document);
  const issues = useMemo(() => validateFlow(deferred, editorCatalog), [deferred]);
  const flush = useAutosave(store, editable);
  useEditorShortcuts(store, editing);
  useOpeningLayout(store, editable && layOutOnOpen);

  const context: EditorContextValue = useMemo(
    () => ({ store, nodeTypes, editable: editing, mayEdit: editable, requestInsert: setInsertTarget }),
    [store, nodeTypes, editing, editable],
  );
  const showChecklist = () => {
    store.getState().setTestMode(false);
    setTab('checklist');
  };

  return (
    <EditorContext.Provider value={context}>
      <FlowIssuesContext.Provider value={issues}>
        <div className={styles.editor}>
          <header className={styles.header}>
            <div className={styles.titleBlock}>
              <nav aria-label="Breadcrumb">
                <ol className={styles.breadcrumb}>
                  <li>
                    <Link href="/flows">Flows</Link>
                  </li>
                  <li aria-current="page">{name}</li>
                </ol>
              </nav>
              <h1 className={styles.title}>{name}</h1>
              <div className={styles.details}>
                <p className={description ? styles.description : `${styles.description} ${styles.noDescription}`} title={description}>
                  {description || 'No description yet'}
                </p>
                {editable ? (
                  <button type="button" className={styles.detailsButton} onClick={() => setEditingDetails(true)}>
                    Edit name and description
                  </button>
                ) : null}
              </div>
            </div>
            {archived ? (
              <ArchivedNotice flowId={flowId} mayRestore={archived.mayRestore} />
            ) : editable ? (
              <SaveIndicator onRetry={() => void flush()} />
            ) : (
              <span className="badge badge-plain">Read-only: your role can view flows but not change or publish them</span>
            )}
            <div className={styles.headerActions}>
              <Link className="button button-secondary button-small" href={`/flows/${flowId}/executions`}>
                Executions
              </Link>
              {editable ? <PublishButton flush={flush} onShowChecklist={showChecklist} /> : null}
            </div>
          </header>
          <EditorToolbar />
          <div className={styles.workspace}>
            {editing ? <NodePalette /> : null}
            <EditorCanvas />
            {testMode ? (
              <aside className={styles.side} aria-label="Test run">
                <TestRunPanel flush={flush} onShowChecklist={showChecklist} />
              </aside>
            ) : (
              <aside className={styles.side} aria-label="Side panel">
                <div className={styles.tabs} role="tablist" aria-label="Side panel">
                  {(
                    [
                      ['step', 'Step'],
                      ['checklist', issues.length > 0 ? `Checklist (${issues.length})` : 'Checklist'],
                      ['versions', 'Versions'],
                      ['performance', 'Performance'],
                    ] as const
                  ).map(([value, text]) => (
                    <button
                      key={value}
                      type="button"
                      role="tab"
                      aria-selected={tab === value}
                      className={styles.tab}
                      onClick={() => setTab(value)}
                    >
                      {text}
                    </button>
                  ))}
                </div>
                <div role="tabpanel" className={styles.tabPanel}>
                  {tab === 'step' ? <NodeConfigPanel /> : null}
                  {tab === 'checklist' ? <IssuesPanel /> : null}
                  {tab === 'versions' ? <VersionHistoryPanel flush={flush} /> : null}
                  {tab === 'performance' ? <PerformancePanel /> : null}
                </div>
              </aside>
            )}
          </div>
          {editable ? <InsertStepDialog target={insertTarget} onClose={() => setInsertTarget(null)} /> : null}
          {editable ? <ConflictDialog /> : null}
          {editable ? <FlowDetailsDialog open={editingDetails} onClose={() => setEditingDetails(false)} flush={flush} /> : null}
        </div>
      </FlowIssuesContext.Provider>
    </EditorContext.Provider>
  );
}
