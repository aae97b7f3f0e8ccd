'use client';

import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { callEngine } from '@/lib/editor/engine-client';
import { createFlow } from '@/lib/editor/flow-api';
import { flowTemplateDetailSchema, type FlowTemplateSummary } from '@/lib/flow-template-summary';
import { LAYOUT_ON_OPEN } from '@/lib/editor/layout-on-open';
import styles from './template-gallery.module.css';

/** Start a flow from one of the ready-made flows (the 17 of the product brief) or from an empty canvas. */
export function TemplateGallery({ templates }: { templates: readonly FlowTemplateSummary[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [blankName, setBlankName] = useState('');
  const nameId = useId();

  const open = async (input: { name: string; description: string; definition?: unknown }, key: string, layOut = false) => {
    setBusy(key);
    setProblem(null);
    const created = await createFlow(input);
    if (!created.ok) {
      setBusy(null);
      return setProblem(created.message);
    }
    // A template's steps sit on a rough grid: the editor lays them out on their real sizes as it opens.
    router.push(`/flows/${created.data.id}${layOut ? `?${LAYOUT_ON_OPEN}=auto` : ''}`);
  };

  const useTemplate = async (template: FlowTemplateSummary) => {
    setBusy(template.id);
    const detail = await callEngine(`/api/flow-templates/${encodeURIComponent(template.id)}`, flowTemplateDetailSchema);
    if (!detail.ok) {
      setBusy(null);
      return setProblem(detail.message);
    }
    await open({ name: detail.data.name, description: detail.data.description, definition: detail.data.document }, template.id, true);
  };

  return (
    <div className={styles.gallery}>
      {problem ? (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      ) : null}
      <form
        className={styles.blank}
        onSubmit={(event) => {
          event.preventDefault();
          void open({ name: blankName.trim() || 'Untitled flow', description: '' }, 'blank');
        }}
      >
        <h2>Empty canvas</h2>
        <label htmlFor={nameId}>Flow name</label>
        <div className={styles.row}>
          <input
            id={nameId}
            type="text"
            value={blankName}
            placeholder="e.g. Price question follow-up"
            onChange={(event) => setBlankName(event.target.value)}
          />
          <button type="submit" className="button button-primary" disabled={busy !== null}>
            Create empty flow
          </button>
        </div>
      </form>
      <h2 className={styles.heading}>Ready-made flows</h2>
      <ul className={styles.grid} aria-label="Templates">
        {templates.map((template) => (
          <li key={template.id} className={styles.card}>
            <span className={styles.number}>Flow {template.number}</span>
            <h3>{template.name}</h3>
            <p>{template.description}</p>
            {template.adjust.length > 0 ? <p className={styles.adjust}>Adjust: {template.adjust.join('; ')}</p> : null}
            <button
              type="button"
              className="button button-secondary button-small"
              disabled={busy !== null}
              aria-label={`Use template: ${template.name}`}
              onClick={() => void useTemplate(template)}
            >
              {busy === template.id ? 'Creating…' : 'Use this template'}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
