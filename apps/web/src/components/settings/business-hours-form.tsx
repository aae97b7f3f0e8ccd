'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import {
  businessHoursForm,
  businessHoursPatch,
  type BusinessHoursForm as FormValues,
  type BusinessHoursSettings,
  saveBusinessHours,
} from '@/lib/reports/business-hours';
import { WEEKDAYS } from '@/lib/reports/report-format';
import { changedPaths } from '@/lib/settings/changed-fields';
import styles from './settings.module.css';
import { TimeZoneField } from './time-zone-field';

/** Monday first, as people read a working week. */
const ORDER = [1, 2, 3, 4, 5, 6, 0] as const;

function changeName(path: string): string {
  if (path === 'timeZone') return 'time zone';
  if (path === 'reports.responseThresholdMinutes') return 'threshold';
  if (path === 'reports.conversionDays') return 'conversion window';
  if (path === 'reports.businessHours.days') return 'open days';
  const day = /^reports\.businessHours\.perDay\.(\d)/.exec(path)?.[1];
  return day !== undefined ? `${WEEKDAYS[Number(day)] ?? day} hours` : path;
}

/**
 * The reports' business hours: per weekday open or closed, its opening and
 * closing time, in the workspace's time zone; and the reply time over which
 * an agent is flagged. Saving sends only what changed (audited by the engine).
 */
export function BusinessHoursForm({ settings, timeZones }: { settings: BusinessHoursSettings; timeZones: string[] }) {
  const router = useRouter();
  const [initial, setInitial] = useState<FormValues>(() => businessHoursForm(settings));
  const [form, setForm] = useState<FormValues>(initial);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const patch = businessHoursPatch(initial, form);

  const setDay = (day: number, change: Partial<FormValues['days'][number]>) =>
    setForm({ ...form, days: form.days.map((d) => (d.day === day ? { ...d, ...change } : d)) });

  async function save(event: FormEvent) {
    event.preventDefault();
    if (patch === undefined) return;
    setBusy(true);
    setSaved(null);
    setProblem(null);
    const answer = await saveBusinessHours(patch);
    setBusy(false);
    if (!answer.ok) {
      setProblem(answer.message);
      return;
    }
    const next = businessHoursForm(answer.data);
    setInitial(next);
    setForm(next);
    setSaved(`Saved: ${[...new Set(changedPaths(patch).map(changeName))].join(', ')}.`);
    router.refresh();
  }

  return (
    <form onSubmit={(event) => void save(event)} className={styles.sectionGrid} aria-label="Business hours">
      <section className={styles.card} aria-labelledby="hours-title">
        <h2 id="hours-title">Opening hours</h2>
        <p className={styles.hint}>
          The service report also counts response and resolution times in these hours only. A change applies to new conversations; past
          figures are recounted with &ldquo;Recount past figures&rdquo; below.
        </p>
        <table className={styles.table} aria-label="Opening hours by weekday">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Open</th>
              <th scope="col">Opens at</th>
              <th scope="col">Closes at</th>
            </tr>
          </thead>
          <tbody>
            {ORDER.map((day) => {
              const d = form.days.find((x) => x.day === day);
              const name = WEEKDAYS[day];
              if (!d || !name) return null;
              return (
                <tr key={day}>
                  <th scope="row">{name}</th>
                  <td>
                    <label className={styles.checkbox}>
                      <input type="checkbox" checked={d.open} onChange={(e) => setDay(day, { open: e.target.checked })} />
                      <span>{d.open ? 'Open' : 'Closed'}</span>
                      <span className="visually-hidden"> on {name}</span>
                    </label>
                  </td>
                  <td>
                    <input
                      type="time"
                      aria-label={`${name} opens at`}
                      value={d.opens}
                      disabled={!d.open}
                      required
                      onChange={(e) => setDay(day, { opens: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      type="time"
                      aria-label={`${name} closes at`}
                      value={d.closes}
                      disabled={!d.open}
                      required
                      onChange={(e) => setDay(day, { closes: e.target.value })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div className={styles.formGrid}>
          <TimeZoneField
            label="Time zone of these hours"
            value={form.timeZone}
            timeZones={timeZones}
            onChange={(timeZone) => setForm({ ...form, timeZone })}
            hint="The workspace's time zone: it also places the reports' hours and days."
          />
          <div className={styles.field}>
            <label htmlFor="hours-threshold">Flag agents whose median reply passes (minutes)</label>
            <input
              id="hours-threshold"
              className={styles.input}
              type="number"
              min={0}
              max={10080}
              step={1}
              value={Number.isNaN(form.thresholdMinutes) ? '' : form.thresholdMinutes}
              onChange={(e) => setForm({ ...form, thresholdMinutes: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
            />
          </div>
          <div className={styles.field}>
            <label htmlFor="hours-conversion">Conversion window (days)</label>
            <input
              id="hours-conversion"
              className={styles.input}
              type="number"
              min={1}
              max={90}
              step={1}
              aria-describedby="hours-conversion-hint"
              value={Number.isNaN(form.conversionDays) ? '' : form.conversionDays}
              onChange={(e) => setForm({ ...form, conversionDays: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
            />
            <p id="hours-conversion-hint" className={styles.hint}>
              An order this many days or fewer after a flow&rsquo;s message, or after a discount request, counts as converted. Past figures
              follow after &ldquo;Recount past figures&rdquo;.
            </p>
          </div>
        </div>
      </section>
      <div className={styles.saveBar}>
        <button type="submit" className="button button-primary" disabled={busy || patch === undefined}>
          Save changes
        </button>
        {saved ? (
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
