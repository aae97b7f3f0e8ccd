'use client';

import { useEffect, useId, useMemo, useState } from 'react';
import {
  COMPARISONS,
  type ConditionGroup,
  type ConditionItem,
  type ConditionRow,
  type ConditionRowKind,
  defaultRow,
  type EventFilter,
  FIELD_OPERATORS,
  FILTER_KEYS,
  groupToRule,
  ruleToGroup,
  SINCE_UNITS,
  WINDOW_UNITS,
} from '@/lib/editor/condition-model';
import { useStepForm } from './form-context';
import styles from './step-form.module.css';

const KIND_LABELS: Record<ConditionRowKind, string> = {
  field: 'A field of the contact, event or CRM',
  events_count: 'Messages or events in a time window',
  since_last: 'Time since the last message or event',
  consecutive: 'The last messages in a row',
  has_tag: 'The contact has a tag',
  intent: 'The message is about (intent)',
  sentiment: 'Sentiment of the last conversation',
};

const OPERATOR_LABELS: Record<string, string> = {
  '==': 'is',
  '!=': 'is not',
  '>': 'is more than',
  '>=': 'is at least',
  '<': 'is less than',
  '<=': 'is at most',
  contains: 'contains',
  is_set: 'is set',
  is_empty: 'is empty',
};

const FILTER_LABELS: Record<string, string> = {
  intent: 'with intent',
  type: 'of event type',
  text_contains: 'whose text contains',
  reply_id: 'replying with button',
  any: 'of any kind',
};
const UNIT_LABELS: Record<string, string> = { m: 'minutes', h: 'hours', d: 'days', w: 'weeks', all: 'ever' };

interface ConditionBuilderProps {
  rule: unknown;
  onChange(rule: unknown): void;
}

/** Rows of field / operator / value in AND/OR groups, behaviour over time included, written as JSONLogic; the raw rule is kept in sync. */
export function ConditionBuilder({ rule, onChange }: ConditionBuilderProps) {
  const { editable } = useStepForm();
  const group = useMemo(() => ruleToGroup(rule), [rule]);
  return (
    <div className={styles.condition}>
      <h4 className={styles.subheading}>Condition</h4>
      {group ? (
        <GroupEditor group={group} path="Condition" depth={0} onChange={(next) => onChange(groupToRule(next))} />
      ) : (
        <p className={styles.help}>This rule uses operators the builder cannot show: edit it as JSONLogic below.</p>
      )}
      <RawLogic rule={rule} onChange={onChange} editable={editable} open={group === null} />
    </div>
  );
}

function GroupEditor({
  group,
  path,
  depth,
  onChange,
  onRemove,
}: {
  group: ConditionGroup;
  path: string;
  depth: number;
  onChange(group: ConditionGroup): void;
  onRemove?(): void;
}) {
  const { editable } = useStepForm();
  const id = useId();
  const setItem = (index: number, item: ConditionItem) =>
    onChange({ ...group, items: group.items.map((old, i) => (i === index ? item : old)) });
  const removeItem = (index: number) => onChange({ ...group, items: group.items.filter((_, i) => i !== index) });
  return (
    <div className={styles.conditionGroup} role="group" aria-label={path}>
      <div className={styles.inline}>
        <label htmlFor={id}>Match</label>
        <select
          id={id}
          value={group.combinator}
          disabled={!editable}
          onChange={(event) => onChange({ ...group, combinator: event.target.value === 'or' ? 'or' : 'and' })}
        >
          <option value="and">all of these (AND)</option>
          <option value="or">any of these (OR)</option>
        </select>
        {onRemove && editable ? (
          <button type="button" className="button button-secondary button-small" onClick={onRemove}>
            Remove group
          </button>
        ) : null}
      </div>
      {group.items.map((item, index) => {
        const itemPath = `${path} ${index + 1}`;
        return item.kind === 'group' ? (
          <GroupEditor
            key={index}
            group={item}
            path={itemPath}
            depth={depth + 1}
            onChange={(next) => setItem(index, next)}
            onRemove={() => removeItem(index)}
          />
        ) : (
          <RowEditor key={index} row={item} path={itemPath} onChange={(next) => setItem(index, next)} onRemove={() => removeItem(index)} />
        );
      })}
      {editable ? (
        <div className={styles.inline}>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => onChange({ ...group, items: [...group.items, defaultRow('field')] })}
          >
            Add condition
          </button>
          {depth < 2 ? (
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() =>
                onChange({ ...group, items: [...group.items, { kind: 'group', combinator: 'or', items: [defaultRow('field')] }] })
              }
            >
              Add group
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function Select<T extends string>({
  label,
  value,
  options,
  labels,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly T[];
  labels: Record<string, string>;
  onChange(value: T): void;
}) {
  const { editable } = useStepForm();
  return (
    <select
      aria-label={label}
      value={value}
      disabled={!editable}
      onChange={(event) => onChange(options.find((o) => o === event.target.value) ?? value)}
    >
      {options.map((option) => (
        <option key={option} value={option}>
          {labels[option] ?? option}
        </option>
      ))}
    </select>
  );
}

function NumberInput({ label, value, onChange }: { label: string; value: number; onChange(value: number): void }) {
  const { editable } = useStepForm();
  return (
    <input
      aria-label={label}
      type="number"
      className={styles.narrow}
      value={Number.isFinite(value) ? value : ''}
      disabled={!editable}
      onChange={(event) => onChange(Number(event.target.value))}
    />
  );
}

function TextInput({ label, value, onChange, list }: { label: string; value: string; onChange(value: string): void; list?: string }) {
  const { editable } = useStepForm();
  return (
    <input
      aria-label={label}
      type="text"
      value={value}
      list={list}
      disabled={!editable}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

function FilterEditor({ label, filter, onChange }: { label: string; filter: EventFilter; onChange(filter: EventFilter): void }) {
  return (
    <>
      <Select
        label={`${label} filter`}
        value={filter.key}
        options={FILTER_KEYS}
        labels={FILTER_LABELS}
        onChange={(key) => onChange({ key, value: key === 'any' ? '' : filter.value })}
      />
      {filter.key !== 'any' ? (
        <TextInput label={`${label} filter value`} value={filter.value} onChange={(value) => onChange({ ...filter, value })} />
      ) : null}
    </>
  );
}

function RowEditor({
  row,
  path,
  onChange,
  onRemove,
}: {
  row: ConditionRow;
  path: string;
  onChange(row: ConditionRow): void;
  onRemove(): void;
}) {
  const { editable, variables } = useStepForm();
  const listId = useId();
  const kinds: readonly ConditionRowKind[] = ['field', 'events_count', 'since_last', 'consecutive', 'has_tag', 'intent', 'sentiment'];
  return (
    <div className={styles.conditionRow} role="group" aria-label={path}>
      <Select
        label={`${path} kind`}
        value={row.kind}
        options={kinds}
        labels={KIND_LABELS}
        onChange={(kind) => onChange(defaultRow(kind))}
      />
      <div className={styles.inline}>
        {row.kind === 'field' ? (
          <>
            <TextInput label={`${path} field`} value={row.field} list={listId} onChange={(field) => onChange({ ...row, field })} />
            <datalist id={listId}>
              {variables.map((v) => (
                <option key={v} value={v} />
              ))}
            </datalist>
            <Select
              label={`${path} operator`}
              value={row.operator}
              options={FIELD_OPERATORS}
              labels={OPERATOR_LABELS}
              onChange={(operator) => onChange({ ...row, operator })}
            />
            {row.operator !== 'is_set' && row.operator !== 'is_empty' ? (
              <TextInput label={`${path} value`} value={row.value} onChange={(value) => onChange({ ...row, value })} />
            ) : null}
          </>
        ) : null}
        {row.kind === 'events_count' ? (
          <>
            <span>Number of messages/events</span>
            <FilterEditor label={path} filter={row.filter} onChange={(filter) => onChange({ ...row, filter })} />
            <span>in the last</span>
            {row.unit !== 'all' ? (
              <NumberInput label={`${path} window`} value={row.amount} onChange={(amount) => onChange({ ...row, amount })} />
            ) : null}
            <Select
              label={`${path} window unit`}
              value={row.unit}
              options={WINDOW_UNITS}
              labels={UNIT_LABELS}
              onChange={(unit) => onChange({ ...row, unit })}
            />
            <Select
              label={`${path} operator`}
              value={row.operator}
              options={COMPARISONS}
              labels={OPERATOR_LABELS}
              onChange={(operator) => onChange({ ...row, operator })}
            />
            <NumberInput label={`${path} count`} value={row.count} onChange={(count) => onChange({ ...row, count })} />
          </>
        ) : null}
        {row.kind === 'since_last' ? (
          <>
            <span>Time since the last message/event</span>
            <FilterEditor label={path} filter={row.filter} onChange={(filter) => onChange({ ...row, filter })} />
            <Select
              label={`${path} operator`}
              value={row.operator}
              options={COMPARISONS}
              labels={OPERATOR_LABELS}
              onChange={(operator) => onChange({ ...row, operator })}
            />
            <NumberInput label={`${path} amount`} value={row.amount} onChange={(amount) => onChange({ ...row, amount })} />
            <Select
              label={`${path} unit`}
              value={row.unit}
              options={SINCE_UNITS}
              labels={UNIT_LABELS}
              onChange={(unit) => onChange({ ...row, unit })}
            />
          </>
        ) : null}
        {row.kind === 'consecutive' ? (
          <>
            <span>The last</span>
            <NumberInput label={`${path} count`} value={row.count} onChange={(count) => onChange({ ...row, count })} />
            <span>messages are all</span>
            <FilterEditor label={path} filter={row.filter} onChange={(filter) => onChange({ ...row, filter })} />
          </>
        ) : null}
        {row.kind === 'has_tag' || row.kind === 'intent' ? (
          <>
            <Select
              label={`${path} negation`}
              value={row.negate ? 'not' : 'yes'}
              options={['yes', 'not']}
              labels={{ yes: 'yes', not: 'not' }}
              onChange={(choice) => onChange({ ...row, negate: choice === 'not' })}
            />
            {row.kind === 'has_tag' ? (
              <TextInput label={`${path} tag`} value={row.tag} onChange={(tag) => onChange({ ...row, tag })} />
            ) : (
              <TextInput label={`${path} intent`} value={row.intent} onChange={(intent) => onChange({ ...row, intent })} />
            )}
          </>
        ) : null}
        {row.kind === 'sentiment' ? (
          <>
            <Select
              label={`${path} operator`}
              value={row.operator}
              options={COMPARISONS}
              labels={OPERATOR_LABELS}
              onChange={(operator) => onChange({ ...row, operator })}
            />
            <NumberInput label={`${path} sentiment`} value={row.value} onChange={(value) => onChange({ ...row, value })} />
            <span>(0 negative, 1 positive)</span>
          </>
        ) : null}
      </div>
      {editable ? (
        <button type="button" className="button button-secondary button-small" onClick={onRemove}>
          Remove {path.toLowerCase()}
        </button>
      ) : null}
    </div>
  );
}

function RawLogic({ rule, onChange, editable, open }: { rule: unknown; onChange(rule: unknown): void; editable: boolean; open: boolean }) {
  const id = useId();
  const serialized = JSON.stringify(rule ?? {}, null, 2);
  const [text, setText] = useState(serialized);
  const [error, setError] = useState<string | null>(null);
  // An edit made in the builder replaces the text; one being typed here is kept while it is not valid JSON yet.
  useEffect(() => {
    setText(serialized);
    setError(null);
  }, [serialized]);
  return (
    <details className={styles.raw} open={open}>
      <summary>JSONLogic (for experts)</summary>
      <label htmlFor={id} className="visually-hidden">
        Condition as JSONLogic
      </label>
      <textarea
        id={id}
        className={styles.code}
        rows={8}
        value={text}
        disabled={!editable}
        aria-invalid={error !== null}
        onChange={(event) => {
          setText(event.target.value);
          try {
            const parsed: unknown = JSON.parse(event.target.value);
            setError(null);
            onChange(parsed);
          } catch {
            setError('Not valid JSON yet: the condition keeps its last valid value.');
          }
        }}
      />
      {error ? <p className={styles.help}>{error}</p> : null}
    </details>
  );
}
