'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { WEEKDAYS } from '@/lib/reports/report-format';
import { type ReportSettings, saveWeeklySettings } from '@/lib/reports/weekly-delivery';
import styles from './reports.module.css';

/** Admins: when the weekly report is made, and the webhook it is also sent to. */
export function WeeklyDeliverySettings({ settings, signingKey }: { settings: ReportSettings; signingKey: string }) {
  const router = useRouter();
  const [enabled, setEnabled] = useState(settings.weekly.enabled);
  const [day, setDay] = useState(String(settings.weekly.day));
  const [hour, setHour] = useState(String(settings.weekly.hour));
  const [url, setUrl] = useState(settings.weekly.webhookUrl ?? '');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    const answer = await saveWeeklySettings(settings, {
      enabled,
      day: Number(day),
      hour: Number(hour),
      webhookUrl: url.trim() === '' ? null : url.trim(),
    });
    setBusy(false);
    setMessage(answer.ok ? { ok: true, text: 'Saved.' } : { ok: false, text: answer.message });
    if (answer.ok) router.refresh();
  }

  return (
    <form className={styles.filters} onSubmit={save} aria-label="Weekly report settings">
      <label>
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Make weekly reports
      </label>
      <label>
        Day
        <select value={day} onChange={(e) => setDay(e.target.value)}>
          {WEEKDAYS.map((name, index) => (
            <option key={name} value={index}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Hour
        <input type="number" min={0} max={23} value={hour} onChange={(e) => setHour(e.target.value)} />
      </label>
      <label>
        Webhook URL
        <input type="url" value={url} placeholder="https://… (optional)" onChange={(e) => setUrl(e.target.value)} maxLength={2000} />
      </label>
      <button type="submit" className="button button-primary" disabled={busy}>
        Save
      </button>
      {message ? (
        <p role={message.ok ? 'status' : 'alert'} className={styles.note}>
          {message.text}
        </p>
      ) : null}
      <p className={styles.note}>
        Each report is POSTed as JSON with the header <code>X-Parley-Signature: sha256=&lt;HMAC-SHA256 of the body&gt;</code>, keyed with{' '}
        <code>{signingKey}</code>. The address must be public or on the workspace&apos;s outbound HTTP allow-list. Failed deliveries are
        retried after 1 min, 5 min, 30 min, 2 h and 6 h.
      </p>
    </form>
  );
}
