'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import styles from './settings.module.css';

const ITEMS = [
  { href: '/settings/users', label: 'Users' },
  { href: '/settings/numbers', label: 'WhatsApp numbers' },
  { href: '/settings/api-keys', label: 'API keys' },
  { href: '/settings/workspace', label: 'Workspace' },
  { href: '/settings/business-hours', label: 'Business hours' },
  { href: '/settings/workspaces', label: 'Workspaces' },
  { href: '/settings/crm', label: 'CRM' },
] as const;

/** The side navigation of the settings pages. */
export function SettingsNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Settings" className={styles.sideNav}>
      <ul>
        {ITEMS.map((item) => (
          <li key={item.href}>
            <Link
              href={item.href}
              className={styles.sideLink}
              aria-current={pathname === item.href || pathname.startsWith(`${item.href}/`) ? 'page' : undefined}
            >
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
