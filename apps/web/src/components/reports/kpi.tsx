import { formatChange, periodChange } from '@/lib/reports/report-format';
import styles from './reports.module.css';

export interface KpiProps {
  label: string;
  value: string;
  current: number | null;
  previous: number | null;
  /** For times and costs a drop is good news. */
  lowerIsBetter?: boolean;
  detail?: string;
}

/** A headline figure with its change vs the previous period. */
export function Kpi({ label, value, current, previous, lowerIsBetter = false, detail }: KpiProps) {
  const change = periodChange(current, previous);
  const good = change === null || change === 0 ? null : lowerIsBetter ? change < 0 : change > 0;
  return (
    <div className={styles.kpi}>
      <dt className={styles.kpiLabel}>{label}</dt>
      <dd className={styles.kpiValue}>{value}</dd>
      <dd className={good === null ? styles.kpiChange : good ? styles.kpiGood : styles.kpiBad}>{formatChange(change)}</dd>
      {detail ? <dd className={styles.kpiDetail}>{detail}</dd> : null}
    </div>
  );
}
