'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { areaOf, navItemsFor } from '@/lib/navigation';
import type { UserRole } from '@/lib/session-user';
import styles from './main-nav.module.css';

/** The one navigation of the product: only the areas the role may see are linked. */
export function MainNav({ role }: { role: UserRole | null }) {
  const pathname = usePathname();
  const current = areaOf(pathname);
  // Without a known role (engine unreachable) only the flows link shows: every role may see it.
  const items = role ? navItemsFor(role) : navItemsFor('support').filter((item) => item.area === 'flows');
  return (
    <nav aria-label="Main" className={styles.nav}>
      <ul className={styles.list}>
        {items.map((item) => (
          <li key={item.href}>
            <Link href={item.href} className={styles.link} aria-current={current === item.area ? 'page' : undefined}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
