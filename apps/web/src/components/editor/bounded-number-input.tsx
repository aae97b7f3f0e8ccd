'use client';

import { useState } from 'react';

interface BoundedNumberInputProps {
  id: string;
  value: number;
  min: number;
  max: number;
  disabled?: boolean;
  describedBy?: string;
  onChange(value: number): void;
}

/**
 * A whole-number input that only ever reports values within its bounds.
 * What is typed is kept as text while it is incomplete ("", "1" on the way to
 * "10"), so clearing the field to type a new number works; leaving the field
 * shows the value in force again.
 */
export function BoundedNumberInput({ id, value, min, max, disabled, describedBy, onChange }: BoundedNumberInputProps) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      id={id}
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      step={1}
      value={draft ?? String(value)}
      disabled={disabled}
      aria-describedby={describedBy}
      onChange={(event) => {
        const text = event.target.value;
        setDraft(text);
        const number = Number(text);
        if (text.trim() !== '' && Number.isInteger(number) && number >= min && number <= max) onChange(number);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}
