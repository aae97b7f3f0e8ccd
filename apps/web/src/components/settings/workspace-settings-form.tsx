'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useId, useState } from 'react';
import { changedFields, changedPaths } from '@/lib/settings/changed-fields';
import {
  type EditableSettings,
  editablePart,
  INTENT_LANGUAGES,
  type KeywordsByLanguage,
  LANGUAGE_NAMES,
  listText,
  parseListText,
  patchSettings,
  type SettingsResponse,
  type Store,
} from '@/lib/settings/workspace-settings';
import { NumberField } from './number-field';
import styles from './settings.module.css';
import { TimeZoneField } from './time-zone-field';

interface Props {
  settings: SettingsResponse;
  timeZones: string[];
}

type Messaging = EditableSettings['messaging'];

/** Human names of the fields a save changed, for the confirmation line. */
const FIELD_NAMES: Record<string, string> = {
  timeZone: 'time zone',
  takeoverHours: 'takeover hours',
  httpAllowList: 'HTTP allow list',
  stores: 'stores',
  executionRetentionDays: 'execution retention',
  'inbox.botAnswersFirst': 'bot answers first',
  'inbox.historyRetentionDays': 'message history retention',
  'sentimentWords.positive': 'positive words',
  'sentimentWords.negative': 'negative words',
};

function fieldName(path: string): string {
  if (FIELD_NAMES[path]) return FIELD_NAMES[path];
  if (path.startsWith('intents.')) {
    const [intent = '', language] = path.slice('intents.'.length).split('.');
    const languageName = INTENT_LANGUAGES.find((l) => l === language);
    return `“${intent}” keywords${languageName ? ` (${LANGUAGE_NAMES[languageName]})` : ''}`;
  }
  return path
    .replace(/^messaging\./, '')
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase();
}

const EMPTY_STORE: Store = { name: '', address: '', city: '', latitude: 0, longitude: 0, hours: '' };

/** The workspace settings as a form; saving sends only the fields that were edited (PATCH). */
export function WorkspaceSettingsForm({ settings, timeZones }: Props) {
  const router = useRouter();
  const formId = useId();
  const [base, setBase] = useState<SettingsResponse>(settings);
  const [doc, setDoc] = useState<EditableSettings>(() => editablePart(settings));
  const [texts, setTexts] = useState(() => initialTexts(settings));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const intentNames = orderIntents(Object.keys(base.effectiveIntents));

  const setMessaging = (change: Partial<Messaging>) => setDoc({ ...doc, messaging: { ...doc.messaging, ...change } });
  const setText = (key: string, value: string) => setTexts({ ...texts, [key]: value });

  function edited(): EditableSettings {
    const intents = { ...doc.intents };
    for (const name of intentNames) {
      const shown = base.effectiveIntentKeywordsByLanguage[name] ?? {};
      const stored = doc.intents[name];
      // A language the person did not touch stays as it is (default or custom): only edits are sent.
      const touched = INTENT_LANGUAGES.filter(
        (language) => (texts[`intents.${name}.${language}`] ?? '') !== listText(shown[language] ?? []),
      );
      if (touched.length === 0) continue;
      // An intent saved as one list (before keywords were per language) is rewritten whole, every language as shown.
      const languages = Array.isArray(stored) ? INTENT_LANGUAGES : touched;
      const next: KeywordsByLanguage = Array.isArray(stored) || stored === undefined ? {} : { ...stored };
      for (const language of languages) next[language] = parseListText(texts[`intents.${name}.${language}`] ?? '');
      intents[name] = next;
    }
    return {
      ...doc,
      intents,
      httpAllowList: parseListText(texts['httpAllowList'] ?? ''),
      sentimentWords: {
        positive: parseListText(texts['sentimentWords.positive'] ?? ''),
        negative: parseListText(texts['sentimentWords.negative'] ?? ''),
      },
    };
  }

  const patch = changedFields(editablePart(base), edited());
  const pending = changedPaths(patch);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (patch === undefined) return;
    setBusy(true);
    setProblem(null);
    setSaved(null);
    const answer = await patchSettings(patch);
    setBusy(false);
    if (!answer.ok) return setProblem(answer.message);
    setBase(answer.data);
    setDoc(editablePart(answer.data));
    setTexts(initialTexts(answer.data));
    setSaved(`Saved: ${pending.map(fieldName).join(', ')}.`);
    router.refresh();
  };

  const discard = () => {
    setDoc(editablePart(base));
    setTexts(initialTexts(base));
    setProblem(null);
  };

  const m = doc.messaging;
  return (
    <form id={formId} onSubmit={(event) => void save(event)} className={styles.sectionGrid} aria-label="Workspace settings">
      <section className={styles.card} aria-labelledby="general-title">
        <h2 id="general-title">General</h2>
        <p className={styles.hint}>The time zone applies to contacts whose own time zone is unknown, and to the times shown in Parley.</p>
        <div className={styles.formGrid}>
          <TimeZoneField
            label="Time zone"
            value={doc.timeZone}
            timeZones={timeZones}
            onChange={(timeZone) => setDoc({ ...doc, timeZone })}
          />
          <NumberField
            label="Takeover hours"
            hint="How long an agent's message pauses automation for that customer"
            value={doc.takeoverHours}
            min={0}
            max={720}
            step={0.5}
            onChange={(value) => setDoc({ ...doc, takeoverHours: value ?? Number.NaN })}
          />
          <label className={styles.checkbox}>
            <input
              type="checkbox"
              checked={doc.inbox.botAnswersFirst}
              onChange={(e) => setDoc({ ...doc, inbox: { ...doc.inbox, botAnswersFirst: e.target.checked } })}
            />
            The bot answers new conversations first
          </label>
        </div>
      </section>

      <section className={styles.card} aria-labelledby="quiet-title">
        <h2 id="quiet-title">Quiet hours</h2>
        <p className={styles.hint}>
          No business-initiated or marketing messages in these local hours: they wait until the end (never dropped). Replies to a customer
          who just wrote still go out.
        </p>
        <div className={styles.formGrid}>
          <label className={styles.checkbox}>
            <input
              type="checkbox"
              checked={m.quietHours.enabled}
              onChange={(e) => setMessaging({ quietHours: { ...m.quietHours, enabled: e.target.checked } })}
            />
            Quiet hours on
          </label>
          <div className={styles.field}>
            <label htmlFor="quiet-start">From</label>
            <input
              id="quiet-start"
              className={styles.input}
              type="time"
              value={m.quietHours.start}
              onChange={(e) => setMessaging({ quietHours: { ...m.quietHours, start: e.target.value } })}
            />
          </div>
          <div className={styles.field}>
            <label htmlFor="quiet-end">Until</label>
            <input
              id="quiet-end"
              className={styles.input}
              type="time"
              value={m.quietHours.end}
              onChange={(e) => setMessaging({ quietHours: { ...m.quietHours, end: e.target.value } })}
            />
          </div>
          <NumberField
            label="A conversation counts as active for (minutes)"
            value={m.conversationActiveMinutes}
            min={0}
            max={1440}
            onChange={(value) => setMessaging({ conversationActiveMinutes: value ?? Number.NaN })}
          />
        </div>
      </section>

      <section className={styles.card} aria-labelledby="caps-title">
        <h2 id="caps-title">Messaging caps</h2>
        <p className={styles.hint}>The rules every send passes, to keep the number&apos;s quality rating and the customers&apos; trust.</p>
        <div className={styles.formGrid}>
          <NumberField
            label="New recipients per 24 h"
            hint="The lower of this and the tier Meta reports applies"
            value={m.dailyRecipientLimit}
            min={1}
            disabled={m.dailyRecipientLimit === null}
            onChange={(value) => setMessaging({ dailyRecipientLimit: value ?? Number.NaN })}
          />
          <label className={styles.checkbox}>
            <input
              type="checkbox"
              checked={m.dailyRecipientLimit === null}
              onChange={(e) => setMessaging({ dailyRecipientLimit: e.target.checked ? null : (base.messaging.dailyRecipientLimit ?? 250) })}
            />
            No cap of our own (Meta&apos;s tier only)
          </label>
          <NumberField
            label="Spread sends above (% of the daily cap)"
            value={m.batchAbovePercent}
            min={1}
            max={100}
            onChange={(value) => setMessaging({ batchAbovePercent: value ?? Number.NaN })}
          />
          <NumberField
            label="Seconds between two messages to one customer"
            value={m.recipientSpacingSeconds}
            min={0}
            max={3600}
            onChange={(value) => setMessaging({ recipientSpacingSeconds: value ?? Number.NaN })}
          />
          <NumberField
            label="Templates per day without opt-in"
            value={m.templatesPerDayWithoutOptIn}
            min={0}
            max={100}
            onChange={(value) => setMessaging({ templatesPerDayWithoutOptIn: value ?? Number.NaN })}
          />
          <NumberField
            label="Same content at most, per 30 days"
            value={m.sameContentPer30Days}
            min={1}
            max={1000}
            onChange={(value) => setMessaging({ sameContentPer30Days: value ?? Number.NaN })}
          />
          <NumberField
            label="Days between two promotions"
            value={m.marketingMinDaysApart}
            min={0}
            max={365}
            onChange={(value) => setMessaging({ marketingMinDaysApart: value ?? Number.NaN })}
          />
          <NumberField
            label="Hours between identical notifications"
            value={m.notificationMinHoursApart}
            min={0}
            max={720}
            onChange={(value) => setMessaging({ notificationMinHoursApart: value ?? Number.NaN })}
          />
          <label className={styles.checkbox}>
            <input
              type="checkbox"
              checked={m.marketingTemplatesNeedOptIn}
              onChange={(e) => setMessaging({ marketingTemplatesNeedOptIn: e.target.checked })}
            />
            Marketing templates need the customer&apos;s opt-in
          </label>
          <label className={styles.checkbox}>
            <input
              type="checkbox"
              checked={m.blockMarketingToUs}
              onChange={(e) => setMessaging({ blockMarketingToUs: e.target.checked })}
            />
            No marketing to US (+1) numbers
          </label>
        </div>
      </section>

      <section className={styles.card} aria-labelledby="keywords-title">
        <h2 id="keywords-title">STOP and intent keywords</h2>
        <p className={styles.hint}>
          One keyword or phrase a line, per language; each language you change replaces that language&apos;s defaults only (shown under each
          box). A message containing one of them has that intent; <strong>stop</strong> alone unsubscribes the customer,{' '}
          <strong>start</strong> subscribes them again.
        </p>
        <div className={styles.formGrid}>
          {intentNames.map((name) => {
            const defaults = base.defaultIntentKeywordsByLanguage[name];
            const stored = base.intents[name];
            const title = name.replace(/_/g, ' ');
            return (
              <details key={name} className={styles.intent} open={name === 'stop' || name === 'start'}>
                <summary>
                  {title} {stored !== undefined ? <span className={styles.muted}>(changed)</span> : null}
                  {defaults ? null : <span className={styles.muted}>(this workspace&apos;s own intent)</span>}
                </summary>
                {Array.isArray(stored) ? (
                  <p className={styles.hint}>
                    Saved as one list for every language (replacing all the defaults); editing a language here keeps it per language.
                  </p>
                ) : null}
                <div className={styles.languageGrid}>
                  {INTENT_LANGUAGES.map((language) => {
                    const key = `intents.${name}.${language}`;
                    const languageDefaults = defaults?.[language] ?? [];
                    const custom = !Array.isArray(stored) && stored?.[language] !== undefined;
                    return (
                      <div key={language} className={styles.field}>
                        <label htmlFor={`intent-${name}-${language}`}>
                          {title}: {LANGUAGE_NAMES[language]} {custom ? <span className={styles.muted}>(changed)</span> : null}
                        </label>
                        <textarea
                          id={`intent-${name}-${language}`}
                          className={styles.textareaSmall}
                          // One line per keyword, all in view (two rows cut the third of Italian's three defaults).
                          rows={Math.max(2, (texts[key] ?? '').split('\n').length)}
                          value={texts[key] ?? ''}
                          onChange={(e) => setText(key, e.target.value)}
                        />
                        <span className={styles.defaults}>
                          {languageDefaults.length > 0 ? `Default: ${languageDefaults.join(', ')}` : 'No default'}
                        </span>
                        {custom && languageDefaults.length > 0 ? (
                          <button
                            type="button"
                            className="button button-secondary button-small"
                            aria-label={`Use the default ${LANGUAGE_NAMES[language]} keywords for ${title}`}
                            onClick={() => setText(key, listText(languageDefaults))}
                          >
                            Use the defaults
                          </button>
                        ) : null}
                      </div>
                    );
                  })}
                </div>
              </details>
            );
          })}
          <div className={styles.field}>
            <label htmlFor="sentiment-positive">Positive words</label>
            <textarea
              id="sentiment-positive"
              className={styles.textarea}
              value={texts['sentimentWords.positive'] ?? ''}
              onChange={(e) => setText('sentimentWords.positive', e.target.value)}
            />
          </div>
          <div className={styles.field}>
            <label htmlFor="sentiment-negative">Negative words</label>
            <textarea
              id="sentiment-negative"
              className={styles.textarea}
              value={texts['sentimentWords.negative'] ?? ''}
              onChange={(e) => setText('sentimentWords.negative', e.target.value)}
            />
          </div>
        </div>
      </section>

      <section className={styles.card} aria-labelledby="stores-title">
        <h2 id="stores-title">Stores</h2>
        <p className={styles.hint}>For &ldquo;nearest store&rdquo; replies: a customer who shares a location gets the closest one.</p>
        {doc.stores.length === 0 ? <p className={styles.muted}>No stores yet.</p> : null}
        {doc.stores.map((store, index) => {
          const update = (change: Partial<Store>) =>
            setDoc({ ...doc, stores: doc.stores.map((s, i) => (i === index ? { ...s, ...change } : s)) });
          const label = store.name || `Store ${index + 1}`;
          return (
            <fieldset key={index} className={`${styles.formGrid} ${styles.storeRow}`}>
              <legend className="visually-hidden">{label}</legend>
              <div className={styles.field}>
                <label htmlFor={`store-${index}-name`}>Name</label>
                <input
                  id={`store-${index}-name`}
                  className={styles.input}
                  value={store.name}
                  onChange={(e) => update({ name: e.target.value })}
                />
              </div>
              <div className={styles.field}>
                <label htmlFor={`store-${index}-address`}>Address</label>
                <input
                  id={`store-${index}-address`}
                  className={styles.input}
                  value={store.address}
                  onChange={(e) => update({ address: e.target.value })}
                />
              </div>
              <div className={styles.field}>
                <label htmlFor={`store-${index}-city`}>City</label>
                <input
                  id={`store-${index}-city`}
                  className={styles.input}
                  value={store.city}
                  onChange={(e) => update({ city: e.target.value })}
                />
              </div>
              <NumberField
                label="Latitude"
                value={store.latitude}
                step={0.000001}
                min={-90}
                max={90}
                onChange={(value) => update({ latitude: value ?? Number.NaN })}
              />
              <NumberField
                label="Longitude"
                value={store.longitude}
                step={0.000001}
                min={-180}
                max={180}
                onChange={(value) => update({ longitude: value ?? Number.NaN })}
              />
              <div className={styles.field}>
                <label htmlFor={`store-${index}-hours`}>Opening hours</label>
                <input
                  id={`store-${index}-hours`}
                  className={styles.input}
                  value={store.hours}
                  onChange={(e) => update({ hours: e.target.value })}
                />
              </div>
              <button
                type="button"
                className="button button-secondary button-small"
                aria-label={`Remove ${label}`}
                onClick={() => setDoc({ ...doc, stores: doc.stores.filter((_, i) => i !== index) })}
              >
                Remove
              </button>
            </fieldset>
          );
        })}
        <button
          type="button"
          className="button button-secondary button-small"
          onClick={() => setDoc({ ...doc, stores: [...doc.stores, EMPTY_STORE] })}
        >
          Add a store
        </button>
      </section>

      <section className={styles.card} aria-labelledby="network-title">
        <h2 id="network-title">HTTP allow list</h2>
        <p className={styles.hint}>
          The HTTP request step never reaches private addresses, except the hosts or CIDR ranges listed here (one a line), e.g. an internal
          CRM.
        </p>
        <div className={styles.field}>
          <label htmlFor="allow-list">Allowed private hosts and ranges</label>
          <textarea
            id="allow-list"
            className={styles.textarea}
            value={texts['httpAllowList'] ?? ''}
            onChange={(e) => setText('httpAllowList', e.target.value)}
          />
        </div>
      </section>

      <section className={styles.card} aria-labelledby="retention-title">
        <h2 id="retention-title">Retention</h2>
        <p className={styles.hint}>Older data is deleted every night. The audit trail is never pruned.</p>
        <div className={styles.formGrid}>
          <NumberField
            label="Keep executions for (days)"
            value={doc.executionRetentionDays}
            min={1}
            max={3650}
            onChange={(value) => setDoc({ ...doc, executionRetentionDays: value ?? Number.NaN })}
          />
          <NumberField
            label="Keep message history for (days)"
            hint="At least 180; each conversation keeps its last 50 messages"
            value={doc.inbox.historyRetentionDays}
            min={180}
            max={3650}
            onChange={(value) => setDoc({ ...doc, inbox: { ...doc.inbox, historyRetentionDays: value ?? Number.NaN } })}
          />
        </div>
      </section>

      <div className={styles.saveBar}>
        <button type="submit" className="button button-primary" disabled={busy || pending.length === 0}>
          Save changes
        </button>
        <button type="button" className="button button-secondary" disabled={busy || pending.length === 0} onClick={discard}>
          Discard
        </button>
        <span className={styles.muted} aria-live="polite">
          {pending.length === 0 ? 'No unsaved changes' : `Unsaved: ${pending.map(fieldName).join(', ')}`}
        </span>
        {saved && pending.length === 0 ? (
          <span role="status" className={styles.muted}>
            {saved}
          </span>
        ) : null}
        {problem ? (
          <span role="alert" className={styles.badgeDanger}>
            {problem}
          </span>
        ) : null}
      </div>
    </form>
  );
}

/** STOP, START and "talk to a person" first: they change what Parley may do; the rest alphabetically. */
function orderIntents(names: string[]): string[] {
  const first = ['stop', 'start', 'human'];
  return [...first.filter((name) => names.includes(name)), ...names.filter((name) => !first.includes(name)).sort()];
}

function initialTexts(settings: SettingsResponse): Record<string, string> {
  const texts: Record<string, string> = {
    httpAllowList: listText(settings.httpAllowList),
    'sentimentWords.positive': listText(settings.sentimentWords.positive),
    'sentimentWords.negative': listText(settings.sentimentWords.negative),
  };
  for (const [name, byLanguage] of Object.entries(settings.effectiveIntentKeywordsByLanguage)) {
    for (const language of INTENT_LANGUAGES) texts[`intents.${name}.${language}`] = listText(byLanguage[language] ?? []);
  }
  return texts;
}
