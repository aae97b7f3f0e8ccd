import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import styles from '@/components/settings/settings.module.css';
import { WorkspaceSettingsForm } from '@/components/settings/workspace-settings-form';
import { readFromEngine } from '@/lib/engine-server';
import { settingsResponseSchema } from '@/lib/settings/workspace-settings';

export const metadata: Metadata = { title: 'Workspace' };

/** Every IANA zone this server knows, with the workspace's own even if the list lacks it. */
function timeZones(current: string): string[] {
  const zones = new Set(['UTC', ...Intl.supportedValuesOf('timeZone'), current]);
  return [...zones].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

export default async function WorkspaceSettingsPage() {
  const settings = await readFromEngine('/api/workspace/settings', settingsResponseSchema);
  return (
    <>
      <div className={styles.header}>
        <h1>Workspace settings</h1>
        <p>
          How automation behaves in this workspace. Saving changes only the fields you edited; the audit trail records each, before and
          after.
        </p>
      </div>
      {settings.ok ? (
        <WorkspaceSettingsForm settings={settings.data} timeZones={timeZones(settings.data.timeZone)} />
      ) : (
        <ErrorNotice problem={settings.problem} />
      )}
    </>
  );
}
