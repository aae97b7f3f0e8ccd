'use client';

import { useId, useState } from 'react';
import { type EventField, eventFields, eventTypeName, fieldText, parsePayloadJson, setEventField } from '@/lib/editor/test-event-form';
import formStyles from './step-form.module.css';
import styles from './test-run.module.css';

interface TestEventFieldsProps {
  /** The event types the draft's trigger listens for. */
  eventTypes: readonly string[];
  type: string;
  payload: Readonly<Record<string, unknown>>;
  onTypeChange(type: string): void;
  onPayloadChange(payload: Record<string, unknown>): void;
  /** What stops the event from being sent (JSON being typed, a number that is not one); null when nothing does. */
  onProblem(problem: string | null): void;
  onReset(): void;
}

/**
 * The event of a test run as a small form of plain fields for its type, with
 * the whole payload as JSON for what the fields do not cover. Both edit the
 * same payload.
 */
export function TestEventFields({ eventTypes, type, payload, onTypeChange, onPayloadChange, onProblem, onReset }: TestEventFieldsProps) {
  const id = useId();
  // Remounts the fields (dropping half-typed text) when the payload is replaced from outside them.
  const [generation, setGeneration] = useState(0);
  const [rawText, setRawText] = useState<string | null>(null);
  const [rawProblem, setRawProblem] = useState<string | null>(null);
  const fields = eventFields(type);

  const replacePayload = (next: Record<string, unknown>) => {
    onPayloadChange(next);
    setGeneration((g) => g + 1);
  };

  return (
    <div className={formStyles.group}>
      <div className={formStyles.field}>
        <label htmlFor={`${id}-type`}>Event type</label>
        <select
          id={`${id}-type`}
          value={type}
          disabled={eventTypes.length < 2}
          onChange={(event) => {
            onTypeChange(event.target.value);
            setRawText(null);
            setRawProblem(null);
            setGeneration((g) => g + 1);
          }}
        >
          {eventTypes.map((eventType) => (
            <option key={eventType} value={eventType}>
              {eventTypeName(eventType)}
            </option>
          ))}
        </select>
      </div>
      <EventFieldList
        key={`${type}-${generation}`}
        fields={fields}
        payload={payload}
        onChange={(next) => {
          onPayloadChange(next);
          setRawText(null);
          setRawProblem(null);
        }}
        onProblem={onProblem}
      />
      <details className={formStyles.raw}>
        <summary>Event payload as JSON (advanced)</summary>
        <textarea
          aria-label="Event payload as JSON"
          className={formStyles.code}
          rows={6}
          value={rawText ?? JSON.stringify(payload, null, 2)}
          onChange={(event) => {
            const text = event.target.value;
            setRawText(text);
            const parsed = parsePayloadJson(text);
            setRawProblem(parsed.ok ? null : parsed.message);
            onProblem(parsed.ok ? null : parsed.message);
            if (parsed.ok) replacePayload(parsed.payload);
          }}
          onBlur={() => {
            if (rawProblem === null) setRawText(null);
          }}
        />
        {rawProblem ? <p className={styles.fieldProblem}>{rawProblem}</p> : null}
      </details>
      <button
        type="button"
        className={styles.linkButton}
        onClick={() => {
          onReset();
          setRawText(null);
          setRawProblem(null);
          setGeneration((g) => g + 1);
        }}
      >
        Use the sample event again
      </button>
    </div>
  );
}

function EventFieldList({
  fields,
  payload,
  onChange,
  onProblem,
}: {
  fields: readonly EventField[];
  payload: Readonly<Record<string, unknown>>;
  onChange(payload: Record<string, unknown>): void;
  onProblem(problem: string | null): void;
}) {
  const [problems, setProblems] = useState<Readonly<Record<string, string>>>({});
  const report = (key: string, message: string | null) => {
    const next = { ...problems };
    if (message) next[key] = message;
    else delete next[key];
    setProblems(next);
    onProblem(Object.values(next)[0] ?? null);
  };
  return (
    <>
      {fields.map((field) => (
        <EventFieldInput
          key={field.key}
          field={field}
          payload={payload}
          problem={problems[field.key] ?? null}
          onChange={onChange}
          onProblem={(message) => report(field.key, message)}
        />
      ))}
    </>
  );
}

function EventFieldInput({
  field,
  payload,
  problem,
  onChange,
  onProblem,
}: {
  field: EventField;
  payload: Readonly<Record<string, unknown>>;
  problem: string | null;
  onChange(payload: Record<string, unknown>): void;
  onProblem(message: string | null): void;
}) {
  const id = useId();
  // Text as typed, for numbers and JSON that are not valid yet; null shows the payload's value.
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? fieldText(payload, field);
  const label = field.required ? `${field.label} (required)` : field.label;
  const helpId = field.help ? `${id}-help` : undefined;
  const problemId = problem ? `${id}-problem` : undefined;
  const describedBy = [helpId, problemId].filter(Boolean).join(' ') || undefined;

  const change = (value: string) => {
    const result = setEventField(payload, field, value);
    if (result.ok) {
      onChange(result.payload);
      onProblem(null);
      setDraft(field.kind === 'text' || field.kind === 'choice' ? null : value);
    } else {
      setDraft(value);
      onProblem(result.message);
    }
  };

  return (
    <div className={formStyles.field}>
      <label htmlFor={id}>{label}</label>
      {field.kind === 'choice' ? (
        <select id={id} value={text} aria-describedby={describedBy} onChange={(event) => change(event.target.value)}>
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option === '' ? '(not set)' : option}
            </option>
          ))}
        </select>
      ) : field.kind === 'object' ? (
        <textarea
          id={id}
          className={formStyles.code}
          rows={3}
          value={text}
          placeholder='{"sku": "TABLE-1"}'
          aria-describedby={describedBy}
          onChange={(event) => change(event.target.value)}
        />
      ) : (
        <input
          id={id}
          type="text"
          inputMode={field.kind === 'number' ? 'decimal' : undefined}
          value={text}
          aria-describedby={describedBy}
          onChange={(event) => change(event.target.value)}
          onBlur={() => {
            if (!problem) setDraft(null);
          }}
        />
      )}
      {field.help ? (
        <p id={helpId} className={formStyles.help}>
          {field.help}
        </p>
      ) : null}
      {problem ? (
        <p id={problemId} className={styles.fieldProblem}>
          {problem}
        </p>
      ) : null}
    </div>
  );
}
