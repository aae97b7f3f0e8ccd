'use client';

import { useEffect, useId, useState } from 'react';
import { callEngine } from '@/lib/editor/engine-client';
import { type FlowVersionSummary, listVersions } from '@/lib/editor/flow-api';
import { funnelOverlay } from '@/lib/reports/funnel-overlay';
import { formatCount, formatMoney, formatPercent } from '@/lib/reports/report-format';
import { type FunnelReport, funnelReportSchema } from '@/lib/reports/report-schemas';
import { useEditorContext, useEditorState } from './editor-context';
import styles from './flow-editor.module.css';
import own from './performance-panel.module.css';

const PERIODS = [
  ['7', 'Last 7 days'],
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['365', 'Last 12 months'],
] as const;
const ALL = 'all';
const DAY_MS = 86_400_000;

type Figures = FunnelReport['current'];

/**
 * How this flow performs, from the report rollups (the sales funnel report
 * for this flow): runs, steps reached, sends and their failures, delivered,
 * read, replies, conversions and revenue, over a period, for every version or one.
 */
export function PerformancePanel() {
  const flowId = useEditorState((s) => s.flowId);
  const document = useEditorState((s) => s.document);
  const { store } = useEditorContext();
  const [onCanvas, setOnCanvas] = useState(false);
  const [days, setDays] = useState<string>('30');
  const [version, setVersion] = useState<string>(ALL);
  const [versions, setVersions] = useState<FlowVersionSummary[]>([]);
  const [figures, setFigures] = useState<Figures | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const periodId = useId();
  const canvasId = useId();
  const versionId = useId();

  useEffect(() => {
    void listVersions(flowId).then((answer) => {
      if (answer.ok) setVersions(answer.data.data);
    });
  }, [flowId]);

  useEffect(() => {
    let cancelled = false;
    const to = new Date();
    const from = new Date(to.getTime() - Number(days) * DAY_MS);
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), flowId });
    if (version !== ALL) query.set('flowVersionId', version);
    setFigures(null);
    setProblem(null);
    void callEngine(`/api/reports/funnel?${query}`, funnelReportSchema).then((answer) => {
      if (cancelled) return;
      if (answer.ok) setFigures(answer.data.current);
      else setProblem(answer.status === 403 ? 'Flow performance is for admins and marketers.' : answer.message);
    });
    return () => {
      cancelled = true;
    };
  }, [flowId, days, version]);

  // The counts on the canvas follow the period and version chosen here; leaving the tab takes them off.
  useEffect(() => {
    store.getState().setFunnelOverlay(onCanvas && figures ? funnelOverlay(document, figures) : null);
  }, [store, onCanvas, figures, document]);
  useEffect(() => () => store.getState().setFunnelOverlay(null), [store]);

  const flow = figures?.flows.find((f) => f.flowId === flowId) ?? null;
  const stage = (name: string) => figures?.stages.find((s) => s.stage === name) ?? null;
  const entered = stage('entered')?.count ?? 0;
  const converted = stage('converted')?.count ?? 0;
  return (
    <div className={styles.panelSection}>
      <h2 className={styles.subheading}>Performance</h2>
      <label htmlFor={periodId}>Period</label>
      <select id={periodId} value={days} onChange={(event) => setDays(event.target.value)}>
        {PERIODS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <label htmlFor={versionId}>Version</label>
      <select id={versionId} value={version} onChange={(event) => setVersion(event.target.value)}>
        <option value={ALL}>All versions</option>
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            Version {v.version}
          </option>
        ))}
      </select>
      <label className={own.toggle} htmlFor={canvasId}>
        <input id={canvasId} type="checkbox" checked={onCanvas} onChange={(event) => setOnCanvas(event.target.checked)} />
        Show counts on the canvas
      </label>
      {problem ? (
        <p role="alert" className={styles.muted}>
          {problem}
        </p>
      ) : null}
      {figures === null && problem === null ? <p className={styles.muted}>Loading…</p> : null}
      {figures ? (
        <>
          <table className={`table ${own.compact}`} aria-label="Flow performance">
            <tbody>
              <tr>
                <th scope="row">Runs</th>
                <td>{formatCount(entered)}</td>
              </tr>
              {(['sent', 'delivered', 'read', 'replied', 'converted'] as const).map((name) => {
                const s = stage(name);
                return (
                  <tr key={name}>
                    <th scope="row">{s?.label ?? name}</th>
                    <td>
                      {formatCount(s?.count ?? 0)}
                      {s?.dropOff !== null && s?.dropOff !== undefined ? (
                        <span className={styles.muted}> (drop-off {formatPercent(s.dropOff)})</span>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
              {flow?.ended ? (
                <>
                  <tr>
                    <th scope="row">Succeeded runs</th>
                    <td>{formatCount(flow.ended.succeeded)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Failed runs</th>
                    <td>{formatCount(flow.ended.failed)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Cancelled runs</th>
                    <td>{formatCount(flow.ended.cancelled)}</td>
                  </tr>
                </>
              ) : null}
              <tr>
                <th scope="row">Failed sends</th>
                <td>{formatCount(flow?.failed ?? 0)}</td>
              </tr>
              <tr>
                <th scope="row">Conversion</th>
                <td>{formatPercent(entered > 0 ? converted / entered : null)}</td>
              </tr>
              <tr>
                <th scope="row">Revenue</th>
                <td>
                  {(figures.revenue ?? []).length === 0
                    ? formatMoney(0, null)
                    : (figures.revenue ?? []).map((r) => formatMoney(r.amount, r.currency)).join(', ')}
                </td>
              </tr>
            </tbody>
          </table>
          <h3 className={styles.subheading}>By step</h3>
          {figures.steps.length === 0 ? (
            <p className={styles.muted}>No step has run in this period.</p>
          ) : (
            <div className={own.scroll}>
              <table className={`table ${own.compact}`} aria-label="Performance by step">
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col">Reached</th>
                    <th scope="col">Sent</th>
                    <th scope="col">Failed</th>
                    <th scope="col">Read</th>
                    <th scope="col">Replied</th>
                  </tr>
                </thead>
                <tbody>
                  {figures.steps.map((step) => (
                    <tr key={`${step.flowVersionId}:${step.nodeId}`}>
                      <th scope="row">
                        {step.label}
                        {version === ALL && step.version !== null ? <span className={styles.muted}> v{step.version}</span> : null}
                      </th>
                      <td>{formatCount(step.reached)}</td>
                      <td>{formatCount(step.sent)}</td>
                      <td>{formatCount(step.failed ?? 0)}</td>
                      <td>{formatCount(step.read)}</td>
                      <td>{formatCount(step.replied)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p className={styles.muted}>From the report rollups; updated every few seconds. Test runs are not counted.</p>
        </>
      ) : null}
    </div>
  );
}
