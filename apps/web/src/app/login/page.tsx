import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { BrandMark } from '@/components/brand-mark';
import { LoginForm } from '@/components/login-form';
import { askEngine } from '@/lib/engine-server';
import { safeNextPath } from '@/lib/safe-next-path';
import { SESSION_COOKIE } from '@/lib/session-cookie';
import styles from './login.module.css';

export const metadata: Metadata = { title: 'Sign in' };

interface LoginPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** True when the visitor's cookie still opens a session, so the form would be pointless. */
async function alreadySignedIn(): Promise<boolean> {
  if (!(await cookies()).has(SESSION_COOKIE)) return false;
  const answer = await askEngine('/api/auth/me');
  return answer.reached && answer.status === 200;
}

export default async function LoginPage({ searchParams }: LoginPageProps) {
  const next = safeNextPath((await searchParams)['next']);
  if (await alreadySignedIn()) redirect(next);
  return (
    <main className={styles.page}>
      <div className={styles.column}>
        <div className={styles.brand}>
          <BrandMark size={40} />
          <span className={styles.productName}>Parley</span>
        </div>
        <section className={styles.card} aria-labelledby="login-title">
          <h1 id="login-title" className={styles.title}>
            Sign in
          </h1>
          <p className={styles.subtitle}>Build and run automations for your WhatsApp conversations.</p>
          <LoginForm next={next} />
        </section>
        <p className={styles.footnote}>Accounts are created by your workspace admin.</p>
      </div>
    </main>
  );
}
