'use client';

import { parseTemplate } from '@parley/flow-core';
import { useRef } from 'react';
import { useStepForm } from './form-context';
import styles from './step-form.module.css';

interface TemplateTextFieldProps {
  id: string;
  label: string;
  value: string;
  multiline: boolean;
  describedBy?: string;
  onChange(value: string): void;
}

function preview(text: string): string {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return text;
  return parsed.parts.map((part) => (part.kind === 'text' ? part.text : `[${part.variable.fallback ?? part.variable.path}]`)).join('');
}

/** Text with {{ variables }}: a picker lists only what is available at this step, inserted at the cursor. */
export function TemplateTextField({ id, label, value, multiline, describedBy, onChange }: TemplateTextFieldProps) {
  const { variables, editable } = useStepForm();
  const inputRef = useRef<HTMLTextAreaElement & HTMLInputElement>(null);

  const insert = (path: string) => {
    const input = inputRef.current;
    const token = `{{ ${path} }}`;
    const start = input?.selectionStart ?? value.length;
    const end = input?.selectionEnd ?? value.length;
    onChange(`${value.slice(0, start)}${token}${value.slice(end)}`);
    requestAnimationFrame(() => {
      input?.focus();
      input?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  return (
    <div className={styles.field}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea
          ref={inputRef}
          id={id}
          rows={4}
          value={value}
          disabled={!editable}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
        />
      ) : (
        <input
          ref={inputRef}
          id={id}
          type="text"
          value={value}
          disabled={!editable}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {editable ? (
        <select
          className={styles.variablePicker}
          aria-label={`Insert a variable into ${label}`}
          value=""
          onChange={(event) => {
            if (event.target.value) insert(event.target.value);
          }}
        >
          <option value="">Insert a variable…</option>
          {variables.map((path) => (
            <option key={path} value={path}>
              {path}
            </option>
          ))}
        </select>
      ) : null}
      {multiline && value.includes('{{') ? (
        <p className={styles.preview} aria-label={`Preview of ${label}`}>
          {preview(value)}
        </p>
      ) : null}
    </div>
  );
}
