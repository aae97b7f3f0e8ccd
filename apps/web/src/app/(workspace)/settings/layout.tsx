import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { RoleGate } from '@/components/role-gate';
import { SettingsNav } from '@/components/settings/settings-nav';
import styles from '@/components/settings/settings.module.css';

export const metadata: Metadata = { title: { template: '%s · Settings', default: 'Settings' } };

/** Every settings page: admins only, with the settings' side navigation. */
export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <RoleGate area="settings">
      <div className={styles.layout}>
        <SettingsNav />
        <div className={styles.content}>{children}</div>
      </div>
    </RoleGate>
  );
}
