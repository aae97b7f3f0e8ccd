'use client';

import { availableVariables } from '@parley/flow-core';
import { useId, useMemo } from 'react';
import { findNodeTypeInfo } from '@/lib/editor/build-step-cards';
import { editorCatalog } from '@/lib/editor/editor-catalog';
import { removeElements, setNodeRetry, updateNode } from '@/lib/editor/flow-edits';
import { isRecord } from '@/lib/editor/is-record';
import { useEditorContext, useEditorState } from './editor-context';
import { useFlowIssues } from './flow-issues-context';
import { StepFormContext, type StepFormContextValue } from './form-context';
import { RetrySettingsField } from './retry-settings-field';
import { SchemaField } from './schema-field';
import styles from './step-form.module.css';

/** The selected step's settings, as a form generated from its node definition. */
export function NodeConfigPanel() {
  const { store, nodeTypes, editable } = useEditorContext();
  const selection = useEditorState((s) => s.selection);
  const document = useEditorState((s) => s.document);
  const issues = useFlowIssues();
  const labelId = useId();
  const nodeId = selection.nodeIds.length === 1 ? selection.nodeIds[0] : undefined;
  const node = document.nodes.find((n) => n.id === nodeId);

  const variables = useMemo(() => {
    if (!node) return [];
    const available = availableVariables(document, editorCatalog, node.id);
    return [...available.exact].sort();
  }, [node, document]);

  const nodeIssues = useMemo(() => issues.filter((issue) => issue.nodeId === node?.id), [issues, node?.id]);
  const form: StepFormContextValue = useMemo(() => {
    const fieldIssues = new Map<string, string[]>();
    for (const issue of nodeIssues) {
      if (!issue.field) continue;
      const list = fieldIssues.get(issue.field) ?? [];
      list.push(issue.message.replace(/^Node "[^"]*" \([^)]*\): /, ''));
      fieldIssues.set(issue.field, list);
    }
    return { nodeId: node?.id ?? '', variables, editable, fieldIssues };
  }, [node?.id, variables, editable, nodeIssues]);

  if (selection.nodeIds.length + selection.noteIds.length + selection.edgeIds.length > 1) {
    return (
      <div className={styles.placeholder}>
        <h2>{selection.nodeIds.length + selection.noteIds.length} selected</h2>
        <p>Copy (Ctrl+C), duplicate (Ctrl+D) or delete (Delete) them together.</p>
      </div>
    );
  }
  if (!node) {
    return (
      <div className={styles.placeholder}>
        <h2>Step settings</h2>
        <p>Select a step on the canvas to change what it does.</p>
        <p className={styles.help}>With the keyboard: Tab to a step, then press Enter.</p>
      </div>
    );
  }
  const info = findNodeTypeInfo(nodeTypes, node.type, node.typeVersion);
  const definition = editorCatalog.get(node.type, node.typeVersion);
  const schema = isRecord(info?.configSchema) ? info.configSchema : null;
  // Triggers start runs; only the steps after them can fail and be retried.
  const retryable = (definition?.kind ?? info?.kind) !== 'trigger';
  const change = (config: unknown, path: string) => {
    if (!isRecord(config)) return;
    store.getState().edit((current) => updateNode(current, node.id, { config }), { key: `config:${node.id}:${path}` });
  };
  return (
    <StepFormContext.Provider value={form}>
      <form
        className={styles.form}
        aria-label={`Settings of ${info?.displayName ?? node.type}`}
        onSubmit={(event) => event.preventDefault()}
      >
        <div className={styles.heading}>
          <span className={styles.category}>{info?.category ?? 'Unknown'}</span>
          <h2>{info?.displayName ?? node.type}</h2>
          {info ? <p className={styles.help}>{info.description}</p> : null}
        </div>
        <div className={styles.field}>
          <label htmlFor={labelId}>Name on the canvas</label>
          <input
            id={labelId}
            type="text"
            value={node.label ?? ''}
            placeholder="Optional"
            disabled={!editable}
            onChange={(event) => {
              const label = event.target.value;
              store.getState().edit((current) => updateNode(current, node.id, { label }), { key: `label:${node.id}` });
            }}
          />
        </div>
        {schema ? (
          <SchemaField schema={schema} value={node.config} path="" name="config" onChange={(config) => change(config, 'config')} />
        ) : (
          <p className={styles.help}>This engine does not describe this step type, so its settings cannot be edited here.</p>
        )}
        {retryable ? (
          <RetrySettingsField
            value={node.settings?.retry}
            typeDefault={definition?.defaultRetry}
            editable={editable}
            onChange={(retry, part) =>
              store.getState().edit((current) => setNodeRetry(current, node.id, retry), { key: `retry:${node.id}:${part}` })
            }
          />
        ) : null}
        {nodeIssues.length > 0 ? (
          <div className={styles.stepIssues} role="status">
            <h3>To fix before publishing</h3>
            <ul>
              {nodeIssues.map((issue, index) => (
                <li key={index}>{issue.message}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {editable ? (
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => store.getState().edit((current) => removeElements(current, { nodeIds: [node.id], edgeIds: [], noteIds: [] }))}
          >
            Delete this step
          </button>
        ) : null}
      </form>
    </StepFormContext.Provider>
  );
}
