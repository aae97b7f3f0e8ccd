import { toCsv } from '@/lib/reports/report-format';
import styles from './reports.module.css';

export interface DataTableProps {
  /** What the table shows, read out by screen readers and used as the CSV file name. */
  caption: string;
  headers: readonly string[];
  /** What each cell shows. */
  rows: readonly (readonly string[])[];
  /** The raw values the CSV export holds (numbers unformatted), one row per shown row. */
  csvRows: readonly (readonly (string | number | null)[])[];
  /** File name without extension. */
  csvName: string;
}

/** A report table with its CSV export (a download link: no script needed, so it also works before the page hydrates). */
export function DataTable({ caption, headers, rows, csvRows, csvName }: DataTableProps) {
  const href = `data:text/csv;charset=utf-8,${encodeURIComponent(toCsv(headers, csvRows))}`;
  return (
    <div className={styles.tableBlock}>
      <div className={styles.tableActions}>
        <a className="button button-secondary button-small" href={href} download={`${csvName}.csv`}>
          Export CSV<span className="visually-hidden">: {caption}</span>
        </a>
      </div>
      <table className={`table ${styles.table}`}>
        <caption className={styles.caption}>{caption}</caption>
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th key={h} scope="col" className={i > 0 ? styles.numeric : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={headers.length} className={styles.empty}>
                Nothing in this period.
              </td>
            </tr>
          ) : (
            rows.map((row, r) => (
              <tr key={r}>
                {row.map((cell, i) =>
                  i === 0 ? (
                    <th key={i} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={i} className={styles.numeric}>
                      {cell}
                    </td>
                  ),
                )}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
