'use client';

import type { FlowDocument } from '@parley/flow-core';
import { useCallback, useEffect, useId, useState } from 'react';
import { editorCatalog } from '@/lib/editor/editor-catalog';
import { fetchFlow, fetchVersionDocument, type FlowVersionSummary, listVersions, restoreVersion } from '@/lib/editor/flow-api';
import { diffFlows, type FlowDiff } from '@/lib/editor/flow-diff';
import { formatTimestamp } from '@/lib/format-timestamp';
import { useEditorContext, useEditorState } from './editor-context';
import styles from './flow-editor.module.css';

const DRAFT = 'draft';

function displayName(type: string): string {
  return editorCatalog.latest(type)?.displayName ?? type;
}

/** Published versions: restore one as the live flow and draft, or compare two (or one with the draft). */
export function VersionHistoryPanel({ flush }: { flush(): Promise<boolean> }) {
  const { store, editable } = useEditorContext();
  const flowId = useEditorState((s) => s.flowId);
  const published = useEditorState((s) => s.published);
  const [versions, setVersions] = useState<FlowVersionSummary[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState(DRAFT);
  const [diff, setDiff] = useState<FlowDiff | null>(null);
  const [busy, setBusy] = useState(false);
  const fromId = useId();
  const toId = useId();

  const refresh = useCallback(async () => {
    const answer = await listVersions(flowId);
    if (!answer.ok) return setProblem(answer.message);
    setVersions(answer.data.data);
    setFrom((current) => current || String(answer.data.data[0]?.version ?? ''));
  }, [flowId]);

  useEffect(() => {
    void refresh();
  }, [refresh, published?.version]);

  const documentOf = async (choice: string): Promise<FlowDocument | null> => {
    if (choice === DRAFT) return store.getState().document;
    const result = await fetchVersionDocument(flowId, Number(choice));
    if (!result.ok) {
      setProblem(result.message);
      return null;
    }
    return result.document;
  };

  const compare = async () => {
    setBusy(true);
    const [before, after] = await Promise.all([documentOf(from), documentOf(to)]);
    setBusy(false);
    if (before && after) setDiff(diffFlows(before, after, displayName));
  };

  const restore = async (version: number) => {
    setBusy(true);
    // Unsaved edits would be lost by the restore: save them first so the history keeps them.
    await flush();
    const answer = await restoreVersion(flowId, version);
    if (!answer.ok) {
      setBusy(false);
      return setProblem(answer.message);
    }
    const reloaded = await fetchFlow(flowId);
    setBusy(false);
    if (!reloaded.ok) return setProblem(reloaded.message);
    store.getState().load(reloaded.flow);
    setDiff(null);
    void refresh();
  };

  const label = (choice: string) => (choice === DRAFT ? 'the current draft' : `version ${choice}`);

  return (
    <section className={styles.panelSection} aria-label="Version history">
      <h2>Version history</h2>
      {problem ? (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      ) : null}
      {versions === null ? <p className={styles.muted}>Loading…</p> : null}
      {versions && versions.length === 0 ? <p className={styles.muted}>Not published yet: each publish adds a version here.</p> : null}
      {versions && versions.length > 0 ? (
        <>
          <ul className={styles.versions}>
            {versions.map((version) => (
              <li key={version.id}>
                <div>
                  <strong>Version {version.version}</strong>
                  {published?.version === version.version ? <span className="badge badge-success">Live</span> : null}
                  <div className={styles.muted}>{formatTimestamp(version.publishedAt)}</div>
                </div>
                {editable ? (
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    disabled={busy}
                    onClick={() => void restore(version.version)}
                  >
                    Restore version {version.version}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          <h3 className={styles.subheading}>Compare</h3>
          <div className={styles.compare}>
            <label htmlFor={fromId}>From</label>
            <select id={fromId} value={from} onChange={(event) => setFrom(event.target.value)}>
              {versions.map((version) => (
                <option key={version.id} value={String(version.version)}>
                  Version {version.version}
                </option>
              ))}
              <option value={DRAFT}>Current draft</option>
            </select>
            <label htmlFor={toId}>To</label>
            <select id={toId} value={to} onChange={(event) => setTo(event.target.value)}>
              <option value={DRAFT}>Current draft</option>
              {versions.map((version) => (
                <option key={version.id} value={String(version.version)}>
                  Version {version.version}
                </option>
              ))}
            </select>
            <button type="button" className="button button-secondary button-small" disabled={busy || !from} onClick={() => void compare()}>
              Compare
            </button>
          </div>
          {diff ? (
            <div className={styles.diff} aria-label="Differences">
              <p className={styles.muted}>
                From {label(from)} to {label(to)}:
              </p>
              {diff.added.length +
                diff.removed.length +
                diff.changed.length +
                diff.connectionsAdded.length +
                diff.connectionsRemoved.length ===
              0 ? (
                <p>No differences in steps or connections.</p>
              ) : null}
              {diff.added.length > 0 ? (
                <div>
                  <h4>Steps added</h4>
                  <ul>
                    {diff.added.map((n) => (
                      <li key={n.id}>{n.name}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {diff.removed.length > 0 ? (
                <div>
                  <h4>Steps removed</h4>
                  <ul>
                    {diff.removed.map((n) => (
                      <li key={n.id}>{n.name}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {diff.changed.length > 0 ? (
                <div>
                  <h4>Steps changed</h4>
                  <ul>
                    {diff.changed.map((n) => (
                      <li key={n.id}>
                        {n.name}: {n.what.join(', ')}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {diff.connectionsAdded.length + diff.connectionsRemoved.length > 0 ? (
                <div>
                  <h4>Connections</h4>
                  <ul>
                    {diff.connectionsAdded.map((c) => (
                      <li key={`+${c}`}>Added {c}</li>
                    ))}
                    {diff.connectionsRemoved.map((c) => (
                      <li key={`-${c}`}>Removed {c}</li>
                    ))}
                  </ul>
                </div>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
