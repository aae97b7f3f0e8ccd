'use client';

import { useEffect, useId, useState } from 'react';
import styles from './settings.module.css';

interface NumberFieldProps {
  label: string;
  value: number | null;
  onChange(value: number | null): void;
  hint?: string;
  min?: number;
  max?: number;
  step?: number;
  disabled?: boolean;
}

/** A number input that lets the person clear it while typing (an empty field is null until they type a number). */
export function NumberField({ label, value, onChange, hint, min, max, step = 1, disabled }: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(value === null ? '' : String(value));
  useEffect(() => {
    setText((current) => (Number(current) === value && current !== '' ? current : value === null ? '' : String(value)));
  }, [value]);
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className={styles.input}
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step}
        disabled={disabled}
        value={text}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => {
          setText(event.target.value);
          const parsed = event.target.value === '' ? null : Number(event.target.value);
          onChange(parsed === null || Number.isNaN(parsed) ? null : parsed);
        }}
      />
      {hint ? (
        <span id={`${id}-hint`} className={styles.fieldHint}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}
