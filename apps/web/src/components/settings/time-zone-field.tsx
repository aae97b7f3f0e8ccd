'use client';

import { useId } from 'react';
import styles from './settings.module.css';

interface TimeZoneFieldProps {
  label: string;
  value: string;
  timeZones: readonly string[];
  onChange(value: string): void;
  hint?: string;
}

/** A labelled choice among the IANA time zones the engine knows. */
export function TimeZoneField({ label, value, timeZones, onChange, hint }: TimeZoneFieldProps) {
  const id = useId();
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        className={styles.select}
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.target.value)}
      >
        {timeZones.map((zone) => (
          <option key={zone} value={zone}>
            {zone}
          </option>
        ))}
      </select>
      {hint ? (
        <span id={`${id}-hint`} className={styles.fieldHint}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}
