import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import { BusinessHoursForm } from '@/components/settings/business-hours-form';
import styles from '@/components/settings/settings.module.css';
import { readFromEngine } from '@/lib/engine-server';
import { businessHoursSettingsSchema } from '@/lib/reports/business-hours';

export const metadata: Metadata = { title: 'Business hours' };

/** Every IANA zone this server knows, with the workspace's own even if the list lacks it. */
function timeZones(current: string): string[] {
  const zones = new Set(['UTC', ...Intl.supportedValuesOf('timeZone'), current]);
  return [...zones].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

export default async function BusinessHoursPage() {
  const settings = await readFromEngine('/api/workspace/settings', businessHoursSettingsSchema);
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
    </>
  );
}
