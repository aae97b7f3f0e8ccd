import type { Metadata } from 'next';
import Link from 'next/link';
import { BrandMark } from '@/components/brand-mark';
import styles from './not-found.module.css';

export const metadata: Metadata = { title: 'Page not found' };

export default function NotFound() {
  return (
    <main className={styles.page}>
      <BrandMark size={36} />
      <h1>Page not found</h1>
      <p className={styles.text}>The page you asked for does not exist or has moved.</p>
      <Link className="button button-primary" href="/flows">
        Go to flows
      </Link>
    </main>
  );
}
