'use client';

import { type ReactNode, useId } from 'react';
import { isRecord, type JsonRecord } from '@/lib/editor/is-record';
import {
  discriminatedUnion,
  enumValues,
  humanize,
  initialValue,
  nullableInner,
  requiredKeys,
  schemaProperties,
  schemaString,
  schemaType,
} from '@/lib/editor/json-schema';
import { ConditionBuilder } from './condition-builder';
import { FieldIssues } from './field-issues';
import { issuesAt, useStepForm } from './form-context';
import styles from './step-form.module.css';
import { TagsField } from './tags-field';
import { TemplateTextField } from './template-text-field';
import { WhatsAppTemplateField } from './whatsapp-template-field';

interface SchemaFieldProps {
  schema: JsonRecord;
  value: unknown;
  /** Dotted path inside the config, as validation reports it. */
  path: string;
  name: string;
  onChange(value: unknown): void;
}

const WEEKDAY_LABELS: Record<string, string> = {
  monday: 'Mon',
  tuesday: 'Tue',
  wednesday: 'Wed',
  thursday: 'Thu',
  friday: 'Fri',
  saturday: 'Sat',
  sunday: 'Sun',
};

function labelOf(schema: JsonRecord, name: string): string {
  return schemaString(schema, 'title') ?? humanize(name);
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function ObjectFields({
  schema,
  value,
  path,
  onChange,
  skip,
}: {
  schema: JsonRecord;
  value: JsonRecord;
  path: string;
  onChange(value: JsonRecord): void;
  skip?: string;
}) {
  const properties = schemaProperties(schema).filter(([key]) => key !== skip);
  if (properties.some(([, property]) => schemaString(property, 'widget') === 'whatsapp-template')) {
    return <WhatsAppTemplateField value={value} path={path} onChange={onChange} />;
  }
  const required = requiredKeys(schema);
  return (
    <>
      {properties.map(([key, property]) => (
        <SchemaField
          key={key}
          schema={property}
          value={value[key]}
          path={childPath(path, key)}
          name={key}
          onChange={(child) => {
            const next = { ...value };
            if (child === undefined && !required.has(key)) delete next[key];
            else next[key] = child;
            onChange(next);
          }}
        />
      ))}
    </>
  );
}

/** One field of a step's form, generated from its JSON Schema and the form hints (`widget`) of the node definition. */
export function SchemaField({ schema, value, path, name, onChange }: SchemaFieldProps) {
  const { editable, fieldIssues } = useStepForm();
  const id = useId();
  const issuesId = `${id}-issues`;
  const messages = issuesAt(fieldIssues, path);
  const describedBy = messages.length > 0 ? issuesId : undefined;
  const label = labelOf(schema, name);
  const help = schemaString(schema, 'description');
  const widget = schemaString(schema, 'widget');
  const issues = <FieldIssues id={issuesId} messages={messages} />;
  const helpText = help ? <p className={styles.help}>{help}</p> : null;

  if (widget === 'condition-builder') {
    return (
      <div className={styles.group}>
        <ConditionBuilder rule={value} onChange={onChange} />
        {issues}
      </div>
    );
  }

  const union = discriminatedUnion(schema);
  if (union) {
    const current = isRecord(value) ? value : {};
    const selected = union.branches.find((branch) => branch.values.includes(String(current[union.key]))) ?? union.branches[0];
    const options = union.branches.flatMap((branch) => branch.values);
    const keySchema = selected ? schemaProperties(selected.schema).find(([key]) => key === union.key)?.[1] : undefined;
    return (
      <fieldset className={styles.fieldset}>
        {path !== '' ? <legend>{label}</legend> : null}
        <div className={styles.field}>
          <label htmlFor={id}>{keySchema ? labelOf(keySchema, union.key) : humanize(union.key)}</label>
          <select
            id={id}
            value={String(current[union.key] ?? '')}
            disabled={!editable}
            onChange={(event) => {
              const choice = event.target.value;
              const branch = union.branches.find((b) => b.values.includes(choice));
              if (!branch) return;
              const fresh = initialValue(branch.schema);
              onChange({ ...(isRecord(fresh) ? fresh : {}), [union.key]: choice });
            }}
          >
            {options.map((option) => (
              <option key={option} value={option}>
                {humanize(option)}
              </option>
            ))}
          </select>
        </div>
        {selected ? <ObjectFields schema={selected.schema} value={current} path={path} onChange={onChange} skip={union.key} /> : null}
        {issues}
      </fieldset>
    );
  }

  const inner = nullableInner(schema);
  if (inner) {
    if (schemaType(inner) === 'object') {
      const enabled = value !== null && value !== undefined;
      return (
        <fieldset className={styles.fieldset}>
          <legend>{label}</legend>
          <label className={styles.check}>
            <input
              type="checkbox"
              checked={enabled}
              disabled={!editable}
              onChange={(event) => onChange(event.target.checked ? initialValue({ ...inner, default: undefined }) : null)}
            />
            Use this
          </label>
          {enabled && isRecord(value) ? <ObjectFields schema={inner} value={value} path={path} onChange={onChange} /> : null}
          {issues}
        </fieldset>
      );
    }
    return (
      <SchemaField
        schema={inner}
        value={value ?? null}
        path={path}
        name={name}
        onChange={(next) => onChange(next === '' || next === undefined ? null : next)}
      />
    );
  }

  const type = schemaType(schema);
  if (type === 'object') {
    return (
      <fieldset className={styles.fieldset}>
        {path !== '' ? <legend>{label}</legend> : null}
        <ObjectFields schema={schema} value={isRecord(value) ? value : {}} path={path} onChange={onChange} />
        {issues}
      </fieldset>
    );
  }

  const choices = enumValues(schema);
  if (type === 'string' && choices) {
    return (
      <div className={styles.field}>
        <label htmlFor={id}>{label}</label>
        <select
          id={id}
          value={typeof value === 'string' ? value : ''}
          disabled={!editable}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
        >
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {humanize(choice)}
            </option>
          ))}
        </select>
        {helpText}
        {issues}
      </div>
    );
  }

  if (type === 'string') {
    const text = typeof value === 'string' ? value : '';
    if (widget === 'message-text') {
      return (
        <>
          <TemplateTextField
            id={id}
            label={label}
            value={text}
            multiline={schema['maxLength'] === undefined || Number(schema['maxLength']) > 200}
            describedBy={describedBy}
            onChange={onChange}
          />
          {helpText}
          {issues}
        </>
      );
    }
    const inputType = widget === 'time-of-day' ? 'time' : 'text';
    return (
      <div className={styles.field}>
        <label htmlFor={id}>{label}</label>
        {widget === 'code' ? (
          <textarea
            id={id}
            className={styles.code}
            rows={5}
            value={text}
            disabled={!editable}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.value)}
          />
        ) : (
          <input
            id={id}
            type={inputType}
            value={text}
            disabled={!editable}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.value)}
          />
        )}
        {helpText}
        {issues}
      </div>
    );
  }

  if (type === 'number' || type === 'integer') {
    return (
      <div className={styles.field}>
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type="number"
          step={type === 'integer' ? 1 : 'any'}
          value={typeof value === 'number' ? value : ''}
          disabled={!editable}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value === '' ? undefined : Number(event.target.value))}
        />
        {helpText}
        {issues}
      </div>
    );
  }

  if (type === 'boolean') {
    return (
      <div className={styles.field}>
        <label className={styles.check}>
          <input type="checkbox" checked={value === true} disabled={!editable} onChange={(event) => onChange(event.target.checked)} />
          {label}
        </label>
        {issues}
      </div>
    );
  }

  if (type === 'array') {
    const items = isRecord(schema['items']) ? schema['items'] : {};
    const list = Array.isArray(value) ? value : [];
    const itemChoices = enumValues(items);
    if (itemChoices) {
      return (
        <fieldset className={styles.fieldset}>
          <legend>{label}</legend>
          <div className={styles.inline}>
            {itemChoices.map((choice) => (
              <label key={choice} className={styles.check}>
                <input
                  type="checkbox"
                  checked={list.includes(choice)}
                  disabled={!editable}
                  onChange={(event) => onChange(event.target.checked ? [...list, choice] : list.filter((item) => item !== choice))}
                />
                {WEEKDAY_LABELS[choice] ?? humanize(choice)}
              </label>
            ))}
          </div>
          {issues}
        </fieldset>
      );
    }
    if (schemaType(items) === 'string') {
      return (
        <>
          <TagsField
            id={id}
            label={label}
            value={list.filter((item): item is string => typeof item === 'string')}
            describedBy={describedBy}
            onChange={onChange}
          />
          {helpText}
          {issues}
        </>
      );
    }
    return (
      <fieldset className={styles.fieldset}>
        <legend>{label}</legend>
        {list.map((item, index) => (
          <div key={index} className={styles.arrayItem}>
            <SchemaField
              schema={items}
              value={item}
              path={`${path}[${index}]`}
              name={`${label} ${index + 1}`}
              onChange={(next) => onChange(list.map((old, i) => (i === index ? next : old)))}
            />
            {editable ? (
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => onChange(list.filter((_, i) => i !== index))}
              >
                Remove {label.toLowerCase()} {index + 1}
              </button>
            ) : null}
          </div>
        ))}
        {editable ? (
          <button type="button" className="button button-secondary button-small" onClick={() => onChange([...list, initialValue(items)])}>
            Add to {label.toLowerCase()}
          </button>
        ) : null}
        {issues}
      </fieldset>
    );
  }

  // No type: a free-form value (an expression); edited as JSON.
  return <JsonValueField id={id} label={label} value={value} onChange={onChange} describedBy={describedBy} issues={issues} />;
}

function JsonValueField({
  id,
  label,
  value,
  onChange,
  describedBy,
  issues,
}: {
  id: string;
  label: string;
  value: unknown;
  onChange(value: unknown): void;
  describedBy?: string;
  issues: ReactNode;
}) {
  const { editable } = useStepForm();
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{label} (JSON)</label>
      <textarea
        id={id}
        className={styles.code}
        rows={4}
        defaultValue={JSON.stringify(value ?? null, null, 2)}
        disabled={!editable}
        aria-describedby={describedBy}
        onChange={(event) => {
          try {
            onChange(JSON.parse(event.target.value));
          } catch {
            // Half-typed JSON: keep the last valid value until it parses again.
          }
        }}
      />
      {issues}
    </div>
  );
}
