import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import { BusinessHoursForm } from '@/components/settings/business-hours-form';
import { RecountPanel } from '@/components/settings/recount-panel';
import styles from '@/components/settings/settings.module.css';
import { readFromEngine } from '@/lib/engine-server';
import { businessHoursSettingsSchema } from '@/lib/reports/business-hours';
import { recountStatusSchema } from '@/lib/reports/recount';

export const metadata: Metadata = { title: 'Business hours' };

/** Every IANA zone this server knows, with the workspace's own even if the list lacks it. */
function timeZones(current: string): string[] {
  const zones = new Set(['UTC', ...Intl.supportedValuesOf('timeZone'), current]);
  return [...zones].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

export default async function BusinessHoursPage() {
  const [settings, recount] = await Promise.all([
    readFromEngine('/api/workspace/settings', businessHoursSettingsSchema),
    readFromEngine('/api/reports/recount', recountStatusSchema),
  ]);
  return (
    <>
      <div className={styles.header}>
        <h1>Business hours</h1>
        <p>
          When people answer customers, for the service report&apos;s business-hours figures. Saving changes only the fields you edited; the
          audit trail records each, before and after.
        </p>
      </div>
      {settings.ok ? (
        <BusinessHoursForm settings={settings.data} timeZones={timeZones(settings.data.timeZone)} />
      ) : (
        <ErrorNotice problem={settings.problem} />
      )}
      {/* Only admins may recount (the engine refuses others): the panel is left out for them. */}
      {recount.ok ? <RecountPanel initial={recount.data.recount} /> : null}
    </>
  );
}
