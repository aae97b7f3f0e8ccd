import type { Metadata } from 'next';
import { ErrorNotice } from '@/components/error-notice';
import styles from '@/components/settings/settings.module.css';
import { UsersAdmin } from '@/components/settings/users-admin';
import { readFromEngine } from '@/lib/engine-server';
import { meResponseSchema } from '@/lib/session-user';
import { usersResponseSchema } from '@/lib/settings/users';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersSettingsPage() {
  const [users, me] = await Promise.all([
    readFromEngine('/api/users', usersResponseSchema),
    readFromEngine('/api/auth/me', meResponseSchema),
  ]);
  return (
    <>
      <div className={styles.header}>
        <h1>Users</h1>
        <p>Who works in this workspace and what their role lets them do. The last active admin always stays.</p>
      </div>
      {!users.ok ? <ErrorNotice problem={users.problem} /> : null}
      {!me.ok ? <ErrorNotice problem={me.problem} /> : null}
      {users.ok && me.ok ? <UsersAdmin users={users.data.data} currentUserId={me.data.user.id} /> : null}
    </>
  );
}
