import Link from 'next/link';
import { formatRole } from '@/lib/format-role';
import { homeFor } from '@/lib/navigation';
import type { SessionUser, WorkspaceMembership } from '@/lib/session-user';
import styles from './app-header.module.css';
import { BrandMark } from './brand-mark';
import { MainNav } from './main-nav';
import { NotificationsBell } from './notifications-bell';
import { SignOutButton } from './sign-out-button';
import { WorkspaceSwitcher } from './workspace-switcher';

interface AppHeaderProps {
  /** Null when the session could not be checked (engine down): the bar still shows the product. */
  user: SessionUser | null;
  workspace: { id: string; name: string } | null;
  memberships: WorkspaceMembership[];
}

export function AppHeader({ user, workspace, memberships }: AppHeaderProps) {
  return (
    <header className={styles.header}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Link href={user ? homeFor(user.role) : '/flows'} className={styles.brand}>
        <BrandMark size={26} />
        <span>Parley</span>
      </Link>
      <MainNav role={user?.role ?? null} />
      {user ? (
        <div className={styles.account}>
          {workspace ? <WorkspaceSwitcher current={workspace} memberships={memberships} /> : null}
          <NotificationsBell />
          <div className={styles.identity}>
            <span className="visually-hidden">Signed in as</span>
            <span className={styles.email} title={user.email}>
              {user.email}
            </span>
            <span className={`badge badge-plain ${styles.role}`}>{formatRole(user.role)}</span>
          </div>
          <SignOutButton />
        </div>
      ) : null}
    </header>
  );
}
