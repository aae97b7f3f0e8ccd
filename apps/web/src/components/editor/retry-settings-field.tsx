'use client';

import type { RetryPolicy } from '@parley/flow-core';
import { useId } from 'react';
import { describeRetry } from '@/lib/editor/describe-retry';
import { BoundedNumberInput } from './bounded-number-input';
import styles from './step-form.module.css';

/** The bounds of flow-core's retryPolicySchema. */
const MAX_RETRIES = 10;
const MAX_DELAY_SECONDS = 7 * 24 * 3600;

/** What "Custom" starts from when the node type has no default of its own. */
const FIRST_CUSTOM: RetryPolicy = { retries: 2, delaySeconds: 60, backoff: 'fixed' };

interface RetrySettingsFieldProps {
  /** The step's own policy (`settings.retry`), or undefined when it uses its type's default. */
  value: RetryPolicy | undefined;
  /** The node type's default policy, if it has one. */
  typeDefault: RetryPolicy | undefined;
  editable: boolean;
  /** `part` names what changed, so typing in one field is one undo step. */
  onChange(retry: RetryPolicy | null, part: string): void;
}

/** "On failure": retry the step N times, S seconds apart, fixed or exponential — or keep its type's default. */
export function RetrySettingsField({ value, typeDefault, editable, onChange }: RetrySettingsFieldProps) {
  const id = useId();
  const helpId = `${id}-help`;
  const custom = value !== undefined;
  const current = value ?? typeDefault ?? FIRST_CUSTOM;
  return (
    <fieldset className={styles.fieldset}>
      <legend>On failure</legend>
      <div className={styles.field}>
        <label htmlFor={`${id}-mode`}>Retries</label>
        <select
          id={`${id}-mode`}
          value={custom ? 'custom' : 'default'}
          disabled={!editable}
          aria-describedby={helpId}
          onChange={(event) => onChange(event.target.value === 'custom' ? current : null, 'mode')}
        >
          <option value="default">Default: {describeRetry(typeDefault).toLowerCase()}</option>
          <option value="custom">Custom</option>
        </select>
      </div>
      {custom ? (
        <>
          <div className={styles.field}>
            <label htmlFor={`${id}-retries`}>Retry times (0–{MAX_RETRIES})</label>
            <BoundedNumberInput
              id={`${id}-retries`}
              value={current.retries}
              min={0}
              max={MAX_RETRIES}
              disabled={!editable}
              onChange={(retries) => onChange({ ...current, retries }, 'retries')}
            />
          </div>
          <div className={styles.field}>
            <label htmlFor={`${id}-delay`}>
              {current.backoff === 'exponential' ? 'Seconds before the first retry' : 'Seconds between retries'}
            </label>
            <BoundedNumberInput
              id={`${id}-delay`}
              value={current.delaySeconds}
              min={1}
              max={MAX_DELAY_SECONDS}
              disabled={!editable}
              onChange={(delaySeconds) => onChange({ ...current, delaySeconds }, 'delay')}
            />
          </div>
          <div className={styles.field}>
            <label htmlFor={`${id}-backoff`}>Backoff</label>
            <select
              id={`${id}-backoff`}
              value={current.backoff}
              disabled={!editable}
              onChange={(event) =>
                onChange({ ...current, backoff: event.target.value === 'exponential' ? 'exponential' : 'fixed' }, 'backoff')
              }
            >
              <option value="fixed">Fixed: the same wait each time</option>
              <option value="exponential">Exponential: 4× longer each time</option>
            </select>
          </div>
          <p className={styles.help}>{describeRetry(current)}.</p>
        </>
      ) : null}
      <p id={helpId} className={styles.help}>
        Only errors the step reports as temporary (a rate limit, a timeout) are retried. After the last attempt the step takes its “On
        error” connection if it has one; otherwise the run fails.
      </p>
    </fieldset>
  );
}
