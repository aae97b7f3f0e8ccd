'use client';

import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { formatRelativeTime } from '@/lib/format-relative-time';
import { missingEventField } from '@/lib/editor/test-event-form';
import {
  fetchSampleEvent,
  fetchTestCustomers,
  type Loaded,
  type SampleEvent,
  startTestRun,
  type TestCustomers,
} from '@/lib/editor/test-run-api';
import { normalizeWaId, waIdProblem } from '@/lib/editor/test-customer-number';
import { useEditorContext } from './editor-context';
import { useFlowIssues } from './flow-issues-context';
import { TestEventFields } from './test-event-fields';
import formStyles from './step-form.module.css';
import styles from './test-run.module.css';

/** Value of the customer choice that opens the "new test customer" fields (never a number, which is digits). */
const NEW_CUSTOMER = 'new';

interface TestRunSetupProps {
  flush(): Promise<boolean>;
  onShowChecklist(): void;
  onStarted(): void;
}

type Problem = { message: string; issues: string[]; checklist: boolean };

/** Who the test run is for, what event starts it, whether waits are skipped; and Run. */
export function TestRunSetup({ flush, onShowChecklist, onStarted }: TestRunSetupProps) {
  const { store } = useEditorContext();
  const flowIssues = useFlowIssues();
  const id = useId();
  const [customers, setCustomers] = useState<Loaded<TestCustomers> | null>(null);
  const [sample, setSample] = useState<Loaded<SampleEvent> | null>(null);
  const [choice, setChoice] = useState<string>('');
  const [newName, setNewName] = useState('');
  const [newNumber, setNewNumber] = useState('');
  const [eventType, setEventType] = useState('');
  const [payload, setPayload] = useState<Record<string, unknown>>({});
  const [eventProblem, setEventProblem] = useState<string | null>(null);
  const [skipWaits, setSkipWaits] = useState(true);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const problemRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // The answer appears under the Run button, often below the panel's fold.
    if (problem) problemRef.current?.scrollIntoView({ block: 'nearest' });
  }, [problem]);

  const loadCustomers = useCallback(async () => {
    const answer = await fetchTestCustomers();
    setCustomers(answer);
    // Keep the choice while it is still in the list; otherwise take the first customer, or a new one.
    setChoice((current) => {
      const list = answer.ok ? answer.data.customers : [];
      if (current === NEW_CUSTOMER || list.some((c) => c.waId === current)) return current;
      return list[0]?.waId ?? NEW_CUSTOMER;
    });
  }, []);

  const loadSample = useCallback(async () => {
    // The sample is built from the saved draft's trigger, so the latest edits are saved first.
    await flush();
    const answer = await fetchSampleEvent(store.getState().flowId);
    setSample(answer);
    if (answer.ok) {
      setEventType(answer.data.type);
      setPayload(answer.data.payload);
      setEventProblem(null);
    }
  }, [flush, store]);

  useEffect(() => {
    void loadCustomers();
    void loadSample();
  }, [loadCustomers, loadSample]);

  const available = customers?.ok ? customers.data.available : false;
  const list = customers?.ok ? customers.data.customers : [];
  const chosen = list.find((c) => c.waId === choice);
  const creating = choice === NEW_CUSTOMER;

  const blockedBy = ((): { message: string; checklist: boolean } | null => {
    if (flowIssues.length > 0) {
      const count = flowIssues.length === 1 ? '1 problem' : `${flowIssues.length} problems`;
      return { message: `The draft has ${count} to fix before it can run.`, checklist: true };
    }
    if (customers === null || sample === null)
      return { message: 'Loading the simulated customers and the sample event…', checklist: false };
    if (!customers.ok) return { message: `The simulated customers could not be loaded: ${customers.message}`, checklist: false };
    if (!customers.data.available) {
      return {
        message: `Test runs need the WhatsApp simulator, and this deployment has none. ${customers.data.reason ?? ''}`.trim(),
        checklist: false,
      };
    }
    if (!sample.ok) return { message: sample.message, checklist: false };
    if (creating) {
      const numberProblem = waIdProblem(newNumber);
      if (numberProblem) return { message: numberProblem, checklist: false };
    } else if (!chosen) {
      return { message: 'Choose a simulated customer.', checklist: false };
    }
    if (eventProblem) return { message: eventProblem, checklist: false };
    const missing = missingEventField(eventType, payload);
    return missing ? { message: missing, checklist: false } : null;
  })();

  const run = async () => {
    setBusy(true);
    setProblem(null);
    try {
      if (!(await flush())) {
        setProblem({
          message: 'The draft could not be saved, so it was not run. Check the save status at the top.',
          issues: [],
          checklist: false,
        });
        return;
      }
      const customer = creating
        ? { waId: normalizeWaId(newNumber), ...(newName.trim() ? { name: newName.trim() } : {}) }
        : { waId: choice };
      const state = store.getState();
      const result = await startTestRun(state.flowId, { customer, event: { type: eventType, payload }, skipWaits });
      if (result.kind === 'started') {
        state.setTestRun({ executionId: result.executionId, execution: null });
        onStarted();
        if (creating) {
          // The new customer is now one of the simulator's: offer it next time.
          setChoice(customer.waId);
          void loadCustomers();
        }
      } else if (result.kind === 'invalid-flow') {
        setProblem({ message: result.message, issues: result.issues.map((issue) => issue.message), checklist: true });
      } else {
        setProblem({ message: result.message, issues: [], checklist: false });
        if (result.code === 'simulator_unavailable') void loadCustomers();
      }
    } finally {
      setBusy(false);
    }
  };

  const reasonId = `${id}-reason`;
  return (
    <form
      className={styles.form}
      aria-label="Test run settings"
      onSubmit={(event) => {
        event.preventDefault();
        if (!blockedBy && !busy) void run();
      }}
    >
      <fieldset className={formStyles.fieldset}>
        <legend>Customer</legend>
        {customers?.ok && !available ? (
          <p className="notice notice-warning" role="status">
            Test runs need the WhatsApp simulator, and this deployment has none. {customers.data.reason ?? ''}
          </p>
        ) : null}
        <div className={formStyles.field}>
          <label htmlFor={`${id}-customer`}>Simulated customer</label>
          <select id={`${id}-customer`} value={choice} disabled={!available} onChange={(event) => setChoice(event.target.value)}>
            {list.map((customer) => (
              <option key={customer.waId} value={customer.waId}>
                {customer.name ? `${customer.name} (+${customer.waId})` : `+${customer.waId}`}
              </option>
            ))}
            <option value={NEW_CUSTOMER}>New test customer…</option>
          </select>
          {chosen?.lastMessage ? (
            <p className={formStyles.help}>
              Last wrote “{chosen.lastMessage}”{chosen.lastInboundAt ? ` ${formatRelativeTime(chosen.lastInboundAt)}` : ''}.
            </p>
          ) : null}
        </div>
        {creating ? (
          <>
            <div className={formStyles.field}>
              <label htmlFor={`${id}-name`}>Name</label>
              <input
                id={`${id}-name`}
                type="text"
                value={newName}
                maxLength={100}
                autoComplete="off"
                onChange={(event) => setNewName(event.target.value)}
              />
            </div>
            <div className={formStyles.field}>
              <label htmlFor={`${id}-number`}>WhatsApp number</label>
              <input
                id={`${id}-number`}
                type="tel"
                value={newNumber}
                placeholder="393331234567"
                autoComplete="off"
                aria-describedby={`${id}-number-help`}
                onChange={(event) => setNewNumber(event.target.value)}
              />
              <p id={`${id}-number-help`} className={formStyles.help}>
                Country code first. The customer is created on the simulator; nobody real is contacted.
              </p>
            </div>
          </>
        ) : null}
        <button type="button" className={styles.linkButton} onClick={() => void loadCustomers()}>
          Reload the customer list
        </button>
      </fieldset>

      <fieldset className={formStyles.fieldset}>
        <legend>Event that starts the run</legend>
        {sample?.ok ? (
          <TestEventFields
            eventTypes={sample.data.eventTypes.length > 0 ? sample.data.eventTypes : [sample.data.type]}
            type={eventType}
            payload={payload}
            onTypeChange={(type) => {
              setEventType(type);
              setPayload(type === sample.data.type ? sample.data.payload : {});
              setEventProblem(null);
            }}
            onPayloadChange={setPayload}
            onProblem={setEventProblem}
            onReset={() => {
              setEventType(sample.data.type);
              setPayload(sample.data.payload);
              setEventProblem(null);
            }}
          />
        ) : null}
        {sample && !sample.ok ? <p className={formStyles.help}>{sample.message}</p> : null}
      </fieldset>

      <label className={styles.check}>
        <input type="checkbox" checked={skipWaits} onChange={(event) => setSkipWaits(event.target.checked)} />
        Skip waits (delays, “wait until” and retry delays pass at once)
      </label>

      <div className={styles.actions}>
        <button
          type="submit"
          className="button button-primary"
          disabled={blockedBy !== null || busy}
          aria-describedby={blockedBy ? reasonId : undefined}
        >
          {busy ? 'Starting…' : 'Run test'}
        </button>
      </div>
      {blockedBy ? (
        <p id={reasonId} className={styles.reason}>
          {blockedBy.message}{' '}
          {blockedBy.checklist ? (
            <button type="button" className={styles.linkButton} onClick={onShowChecklist}>
              Show the checklist
            </button>
          ) : null}
        </p>
      ) : null}
      {problem ? (
        <div ref={problemRef} className="notice notice-error" role="alert">
          <p>{problem.message}</p>
          {problem.issues.length > 0 ? (
            <ul className={styles.issueList}>
              {problem.issues.map((issue, index) => (
                <li key={index}>{issue}</li>
              ))}
            </ul>
          ) : null}
          {problem.checklist ? (
            <button type="button" className={styles.linkButton} onClick={onShowChecklist}>
              Show the checklist
            </button>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
