import { Group } from '@visx/group';
import { scaleLinear } from '@visx/scale';
import { LinePath } from '@visx/shape';
import styles from './reports.module.css';

export interface LineSeries {
  label: string;
  /**
   * One value per period step (a day), in order; the previous period's line is drawn against the same steps. null: no
   * value that day (a rate without anything to divide), a gap in the line rather than a fall to 0.
   */
  values: readonly (number | null)[];
  /** Drawn dashed (the comparison period), so the two lines differ by more than colour. */
  dashed?: boolean;
}

const WIDTH = 640;
const HEIGHT = 200;
const LEFT = 48;
const BOTTOM = 24;
const TOP = 8;
const RIGHT = 12;

/**
 * A per-period line chart (e.g. customer messages per day) with the
 * comparison period as a dashed line against the same steps (day 1, day 2 …
 * of each period), drawn on the server as SVG (no script sent). The figure is
 * labelled for screen readers with both series; the table beside it holds the
 * same numbers, day by day.
 */
export function LineChart({ title, steps, series }: { title: string; steps: readonly string[]; series: readonly LineSeries[] }) {
  const longest = Math.max(1, ...series.map((s) => s.values.length), steps.length);
  const x = scaleLinear({ domain: [0, Math.max(1, longest - 1)], range: [LEFT, WIDTH - RIGHT] });
  const top = Math.max(1, ...series.flatMap((s) => s.values.flatMap((v) => (v === null ? [] : [v]))));
  const y = scaleLinear({ domain: [0, top], range: [HEIGHT - BOTTOM, TOP], nice: true });
  const ticks = y.ticks(4);
  const summary = series.map((s) => `${s.label}: ${s.values.map((v) => (v === null ? 'none' : String(v))).join(', ')}`).join('; ');
  return (
    <figure className={styles.chart}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title} (${steps[0] ?? ''} to ${steps.at(-1) ?? ''}). ${summary}`}>
        <Group>
          {ticks.map((t) => (
            <g key={t}>
              <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(t)} y2={y(t)} className={styles.gridLine} />
              <text x={LEFT - 6} y={y(t)} textAnchor="end" dominantBaseline="middle" className={styles.chartLabel}>
                {t}
              </text>
            </g>
          ))}
          <text x={LEFT} y={HEIGHT - 6} className={styles.chartLabel}>
            {steps[0] ?? ''}
          </text>
          <text x={WIDTH - RIGHT} y={HEIGHT - 6} textAnchor="end" className={styles.chartLabel}>
            {steps.at(-1) ?? ''}
          </text>
          {series.map((s) => (
            <LinePath
              key={s.label}
              data={s.values.map((v, i) => [i, v] as const)}
              defined={(d) => d[1] !== null}
              x={(d) => x(d[0])}
              y={(d) => y(d[1] ?? 0)}
              className={s.dashed ? styles.lineDashed : styles.line}
            />
          ))}
          {/* Points only where a series has gaps (a rate per day): a lone value between two gaps has no segment. */}
          {series.map((s) =>
            s.values.includes(null)
              ? s.values.map((v, i) =>
                  v === null ? null : (
                    <circle key={`${s.label}-${i}`} cx={x(i)} cy={y(v)} r={3.5} className={s.dashed ? styles.pointDashed : styles.point} />
                  ),
                )
              : null,
          )}
        </Group>
      </svg>
      <figcaption className={styles.legend}>
        {series.map((s) => (
          <span key={s.label} className={s.dashed ? styles.legendDashed : styles.legendSolid}>
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
