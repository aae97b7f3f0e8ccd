'use client';

import { useEffect, useId, useState } from 'react';
import type { JsonRecord } from '@/lib/editor/is-record';
import { headerFormatOf, loadWhatsAppTemplates, renderTemplatePreview, type WhatsAppTemplate } from '@/lib/editor/whatsapp-templates';
import { FieldIssues } from './field-issues';
import { issuesAt, useStepForm } from './form-context';
import styles from './step-form.module.css';
import { TemplateTextField } from './template-text-field';

interface WhatsAppTemplateFieldProps {
  value: JsonRecord;
  path: string;
  onChange(value: JsonRecord): void;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item : '')) : [];
}

/** Picks an approved template from the registry, maps its {{n}} parameters (variables allowed) and previews the message. */
export function WhatsAppTemplateField({ value, path, onChange }: WhatsAppTemplateFieldProps) {
  const { editable, fieldIssues } = useStepForm();
  const id = useId();
  const [templates, setTemplates] = useState<WhatsAppTemplate[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void loadWhatsAppTemplates().then((result) => {
      if (!live) return;
      if (result.ok) setTemplates(result.templates);
      else setProblem(result.message);
    });
    return () => {
      live = false;
    };
  }, []);

  const name = typeof value['name'] === 'string' ? value['name'] : '';
  const language = typeof value['language'] === 'string' ? value['language'] : '';
  const parameters = stringList(value['bodyParameters']);
  const chosen = templates?.find((t) => t.name === name && t.language === language) ?? null;
  const key = chosen ? chosen.id : '';

  return (
    <fieldset className={styles.fieldset}>
      <legend>WhatsApp template</legend>
      {problem ? <p className={styles.help}>The template list could not be loaded: {problem}</p> : null}
      {templates && templates.length === 0 ? (
        <p className={styles.help}>No templates yet: an admin syncs them from WhatsApp in the settings.</p>
      ) : null}
      <div className={styles.field}>
        <label htmlFor={id}>Template</label>
        <select
          id={id}
          value={key}
          disabled={!editable || !templates}
          onChange={(event) => {
            const picked = templates?.find((t) => t.id === event.target.value);
            if (!picked) return;
            onChange({
              ...value,
              name: picked.name,
              language: picked.language,
              headerFormat: headerFormatOf(picked),
              headerParameter: null,
              bodyParameters: Array.from({ length: picked.parameters.body }, (_, i) => parameters[i] ?? ''),
              buttonParameters: [],
            });
          }}
        >
          <option value="">{name ? `${name} (${language}) — not in the registry` : 'Choose a template…'}</option>
          {(templates ?? []).map((template) => (
            <option key={template.id} value={template.id} disabled={template.status.toUpperCase() !== 'APPROVED'}>
              {template.name} ({template.language}) · {template.category.toLowerCase()}
              {template.status.toUpperCase() === 'APPROVED' ? '' : ` · ${template.status.toLowerCase()}`}
            </option>
          ))}
        </select>
      </div>
      <FieldIssues id={`${id}-issues`} messages={issuesAt(fieldIssues, `${path}.name`)} />
      {parameters.map((parameter, index) => (
        <TemplateTextField
          key={index}
          id={`${id}-p${index}`}
          label={`Parameter {{${index + 1}}}`}
          value={parameter}
          multiline={false}
          onChange={(text) => onChange({ ...value, bodyParameters: parameters.map((old, i) => (i === index ? text : old)) })}
        />
      ))}
      {chosen ? <TemplatePreview template={chosen} parameters={parameters} /> : null}
    </fieldset>
  );
}

function TemplatePreview({ template, parameters }: { template: WhatsAppTemplate; parameters: readonly string[] }) {
  const preview = renderTemplatePreview(template, parameters);
  return (
    <figure className={styles.bubbleFrame} aria-label="Preview of the message">
      <figcaption className={styles.help}>As the customer sees it</figcaption>
      <div className={styles.bubble}>
        {preview.header ? <strong>{preview.header}</strong> : null}
        <p>{preview.body}</p>
        {preview.footer ? <small>{preview.footer}</small> : null}
      </div>
    </figure>
  );
}
