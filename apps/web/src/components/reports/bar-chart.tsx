import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import styles from './reports.module.css';

export interface BarDatum {
  label: string;
  value: number;
  /** What the bar's value reads as (e.g. "6 min"). */
  display: string;
  highlight?: boolean;
}

const WIDTH = 640;
const ROW = 28;
const LABEL = 190;
const VALUE = 90;

/**
 * Horizontal bars, drawn on the server as SVG (no script sent to the
 * browser). The figure is labelled for screen readers; the table beside it
 * holds the same numbers.
 */
export function BarChart({ title, data }: { title: string; data: readonly BarDatum[] }) {
  const height = Math.max(ROW, data.length * ROW);
  const y = scaleBand({ domain: data.map((_, i) => String(i)), range: [0, height], padding: 0.25 });
  const x = scaleLinear({ domain: [0, Math.max(1, ...data.map((d) => d.value))], range: [0, WIDTH - LABEL - VALUE] });
  return (
    <figure className={styles.chart}>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`${title}: ${data.map((d) => `${d.label} ${d.display}`).join(', ')}`}>
        <Group>
          {data.map((d, i) => {
            const top = y(String(i)) ?? 0;
            return (
              <g key={`${d.label}-${i}`}>
                <text x={LABEL - 8} y={top + y.bandwidth() / 2} textAnchor="end" dominantBaseline="middle" className={styles.chartLabel}>
                  {d.label.length > 28 ? `${d.label.slice(0, 27)}…` : d.label}
                </text>
                <Bar
                  x={LABEL}
                  y={top}
                  width={Math.max(1, x(d.value))}
                  height={y.bandwidth()}
                  rx={3}
                  className={d.highlight ? styles.barWarning : styles.bar}
                />
                <text
                  x={LABEL + Math.max(1, x(d.value)) + 6}
                  y={top + y.bandwidth() / 2}
                  dominantBaseline="middle"
                  className={styles.chartValue}
                >
                  {d.display}
                </text>
              </g>
            );
          })}
        </Group>
      </svg>
      <figcaption className="visually-hidden">{title}</figcaption>
    </figure>
  );
}
