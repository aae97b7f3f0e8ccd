import { HeatmapRect } from '@visx/heatmap';
import { scaleLinear } from '@visx/scale';
import { WEEKDAYS } from '@/lib/reports/report-format';
import styles from './reports.module.css';

const CELL = 22;
const LEFT = 40;
const TOP = 18;
/** Monday first, as people read a week. */
const ORDER = [1, 2, 3, 4, 5, 6, 0];

/** Customer messages per weekday and hour (in the workspace's time zone), as SVG drawn on the server. */
export function Heatmap({ cells, timeZone }: { cells: readonly { weekday: number; hour: number; inbound: number }[]; timeZone: string }) {
  const count = (weekday: number, hour: number) => cells.find((c) => c.weekday === weekday && c.hour === hour)?.inbound ?? 0;
  const max = Math.max(1, ...cells.map((c) => c.inbound));
  // One column per hour, one row per weekday (HeatmapRect draws columns of bins).
  const data = Array.from({ length: 24 }, (_, hour) => ({
    bin: hour,
    bins: ORDER.map((weekday, row) => ({ bin: row, count: count(weekday, hour) })),
  }));
  const xScale = scaleLinear({ domain: [0, 24], range: [0, 24 * CELL] });
  const yScale = scaleLinear({ domain: [0, 7], range: [0, 7 * CELL] });
  const color = scaleLinear({ domain: [0, max], range: ['#eef6f5', '#0f766e'] });
  const busiest = [...cells].sort((a, b) => b.inbound - a.inbound).slice(0, 3);
  return (
    <figure className={styles.chart}>
      <svg
        viewBox={`0 0 ${LEFT + 24 * CELL} ${TOP + 7 * CELL}`}
        role="img"
        aria-label={`Customer messages by weekday and hour, ${timeZone}. Busiest: ${busiest.map((c) => `${WEEKDAYS[c.weekday]} ${c.hour}:00 (${c.inbound})`).join(', ') || 'none'}`}
      >
        {[0, 6, 12, 18].map((hour) => (
          <text key={hour} x={LEFT + hour * CELL} y={12} className={styles.chartLabel}>
            {hour}:00
          </text>
        ))}
        {ORDER.map((weekday, row) => (
          <text
            key={weekday}
            x={LEFT - 6}
            y={TOP + row * CELL + CELL / 2}
            textAnchor="end"
            dominantBaseline="middle"
            className={styles.chartLabel}
          >
            {WEEKDAYS[weekday]?.slice(0, 3)}
          </text>
        ))}
        <g transform={`translate(${LEFT}, ${TOP})`}>
          <HeatmapRect
            data={data}
            xScale={(d) => xScale(d)}
            yScale={(d) => yScale(d)}
            colorScale={color}
            binWidth={CELL}
            binHeight={CELL}
            gap={2}
          >
            {(heatmap) =>
              heatmap.map((column) =>
                column.map((bin) => (
                  <rect key={`${bin.row}-${bin.column}`} x={bin.x} y={bin.y} width={bin.width} height={bin.height} fill={bin.color} rx={3}>
                    <title>{`${WEEKDAYS[ORDER[bin.row] ?? 0]} ${bin.column}:00 — ${bin.count ?? 0} messages`}</title>
                  </rect>
                )),
              )
            }
          </HeatmapRect>
        </g>
      </svg>
      <figcaption className={styles.figcaption}>Customer messages per hour, {timeZone} time. Darker is busier.</figcaption>
    </figure>
  );
}
