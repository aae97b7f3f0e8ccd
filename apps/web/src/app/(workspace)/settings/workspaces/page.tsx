import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import styles from '@/components/settings/settings.module.css';
import { WorkspacesAdmin } from '@/components/settings/workspaces-admin';
import { readFromEngine } from '@/lib/engine-server';
import { meResponseSchema } from '@/lib/session-user';
import { installationSchema, workspacesResponseSchema } from '@/lib/settings/workspaces';

export const metadata: Metadata = { title: 'Workspaces' };

export default async function WorkspacesSettingsPage() {
  const [installation, me] = await Promise.all([
    readFromEngine('/api/installation', installationSchema),
    readFromEngine('/api/auth/me', meResponseSchema),
  ]);
  const workspaces =
    installation.ok && installation.data.installationAdmin
      ? await readFromEngine('/api/installation/workspaces', workspacesResponseSchema)
      : null;
  return (
    <>
      <div className={styles.header}>
        <h1>Workspaces</h1>
        <p>
          You are working in <strong>{me.ok ? (me.data.workspace?.name ?? 'this workspace') : 'this workspace'}</strong>. Every screen shows
          this workspace only.
        </p>
      </div>
      {!installation.ok ? <ErrorNotice problem={installation.problem} /> : null}
      {workspaces && !workspaces.ok ? <ErrorNotice problem={workspaces.problem} /> : null}
      {workspaces?.ok && me.ok ? <WorkspacesAdmin workspaces={workspaces.data.data} currentId={me.data.user.workspaceId} /> : null}
      {installation.ok && !installation.data.installationAdmin ? (
        <section className={styles.card}>
          <h2>Other workspaces</h2>
          <p className={styles.hint}>
            Only an admin of the installation (an admin of the first workspace, the one Parley created when it was installed) can create
            workspaces. Ask them if your business needs another one.
          </p>
        </section>
      ) : null}
    </>
  );
}
