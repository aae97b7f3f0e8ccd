'use client';

import { useState } from 'react';
import { useStepForm } from './form-context';
import styles from './step-form.module.css';

interface TagsFieldProps {
  id: string;
  label: string;
  value: readonly string[];
  describedBy?: string;
  onChange(value: string[]): void;
}

/** A list of words: type one and press Enter (or Add); each has its own remove button. */
export function TagsField({ id, label, value, describedBy, onChange }: TagsFieldProps) {
  const { editable } = useStepForm();
  const [draft, setDraft] = useState('');
  const add = () => {
    const word = draft.trim();
    if (word && !value.includes(word)) onChange([...value, word]);
    setDraft('');
  };
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{label}</label>
      <ul className={styles.tags} aria-label={label}>
        {value.map((tag) => (
          <li key={tag} className={styles.tag}>
            {tag}
            {editable ? (
              <button type="button" aria-label={`Remove ${tag}`} onClick={() => onChange(value.filter((t) => t !== tag))}>
                ×
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {editable ? (
        <div className={styles.inline}>
          <input
            id={id}
            type="text"
            value={draft}
            aria-describedby={describedBy}
            placeholder="Type and press Enter"
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                add();
              }
            }}
          />
          <button type="button" className="button button-secondary button-small" onClick={add}>
            Add
          </button>
        </div>
      ) : null}
    </div>
  );
}
