'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import styles from './main-nav.module.css';

const ITEMS = [
  { href: '/flows', label: 'Flows' },
  { href: '/inbox', label: 'Inbox' },
  { href: '/reports', label: 'Reports' },
] as const;

export function MainNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className={styles.nav}>
      <ul className={styles.list}>
        {ITEMS.map((item) => {
          const current = pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link href={item.href} className={styles.link} aria-current={current ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
