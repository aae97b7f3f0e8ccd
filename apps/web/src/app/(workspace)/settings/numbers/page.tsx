import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import { NumbersAdmin } from '@/components/settings/numbers-admin';
import styles from '@/components/settings/settings.module.css';
import { readFromEngine } from '@/lib/engine-server';
import { numbersResponseSchema, templatesResponseSchema } from '@/lib/settings/numbers';

export const metadata: Metadata = { title: 'WhatsApp numbers' };

export default async function NumbersSettingsPage() {
  const [numbers, templates] = await Promise.all([
    readFromEngine('/api/whatsapp/numbers', numbersResponseSchema),
    readFromEngine('/api/whatsapp/templates', templatesResponseSchema),
  ]);
  return (
    <>
      <div className={styles.header}>
        <h1>WhatsApp numbers</h1>
        <p>The business numbers Parley sends from, their quality and messaging limit as Meta reports them, and their templates.</p>
      </div>
      {!numbers.ok ? <ErrorNotice problem={numbers.problem} /> : null}
      {!templates.ok ? <ErrorNotice problem={templates.problem} /> : null}
      {numbers.ok && templates.ok ? <NumbersAdmin numbers={numbers.data.data} templates={templates.data.data} /> : null}
    </>
  );
}
