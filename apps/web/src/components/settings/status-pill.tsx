import { tone } from '@/lib/settings/numbers';
import styles from './settings.module.css';

const TONES = { good: styles.statusGood, warn: styles.statusWarn, bad: styles.statusBad, neutral: '' } as const;

/** A status word (template status, quality event) coloured by what it means. */
export function StatusPill({ value, empty = '—' }: { value: string | null; empty?: string }) {
  if (value === null) return <span className={styles.muted}>{empty}</span>;
  return <span className={`${styles.status} ${TONES[tone(value)]}`}>{value.replace(/_/g, ' ').toLowerCase()}</span>;
}
