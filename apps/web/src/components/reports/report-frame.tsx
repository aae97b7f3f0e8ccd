import Link from 'next/link';
import type { ReactNode } from 'react';
import { lastDays, pageQuery, type ReportParams } from '@/lib/reports/report-params';
import { PrintButton } from './print-button';
import styles from './reports.module.css';

export const REPORT_PAGES = [
  { slug: 'service', title: 'Service efficiency' },
  { slug: 'funnel', title: 'Sales funnel' },
  { slug: 'messaging', title: 'Messaging and cost' },
  { slug: 'traffic', title: 'Traffic and words' },
] as const;
export type ReportSlug = (typeof REPORT_PAGES)[number]['slug'];

interface Option {
  id: string;
  label: string;
}

export interface ReportFrameProps {
  slug: ReportSlug;
  params: ReportParams;
  now: Date;
  flows: readonly Option[];
  numbers: readonly Option[];
  agents?: readonly Option[];
  previousLabel: string;
  children: ReactNode;
}

/** Every report page: its tabs, the range and filters (a plain GET form), and print. */
export function ReportFrame({ slug, params, now, flows, numbers, agents, previousLabel, children }: ReportFrameProps) {
  const title = REPORT_PAGES.find((p) => p.slug === slug)?.title ?? 'Reports';
  return (
    <div className={`page ${styles.page}`}>
      <div className="page-header">
        <div>
          <h1>{title}</h1>
          <p className="page-subtitle">
            {params.fromDay} to {params.toDay} (UTC days), compared with {previousLabel}.
          </p>
        </div>
        <div className={styles.noPrint}>
          <PrintButton />
        </div>
      </div>
      <nav aria-label="Reports" className={styles.tabs}>
        <ul>
          {REPORT_PAGES.map((page) => (
            <li key={page.slug}>
              <Link href={`/reports/${page.slug}?${pageQuery(params)}`} aria-current={page.slug === slug ? 'page' : undefined}>
                {page.title}
              </Link>
            </li>
          ))}
          <li>
            <Link href="/reports/weekly">Weekly reports</Link>
          </li>
          <li>
            <Link href="/reports/alerts">Watched words</Link>
          </li>
        </ul>
      </nav>
      <form className={styles.filters} method="get" action={`/reports/${slug}`} aria-label="Range and filters">
        <label>
          From
          <input type="date" name="from" defaultValue={params.fromDay} required />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={params.toDay} required />
        </label>
        <label>
          Flow
          <select name="flowId" defaultValue={params.flowId ?? ''}>
            <option value="">All flows</option>
            {flows.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Number
          <select name="numberId" defaultValue={params.numberId ?? ''}>
            <option value="">All numbers</option>
            {numbers.map((n) => (
              <option key={n.id} value={n.id}>
                {n.label}
              </option>
            ))}
          </select>
        </label>
        {agents ? (
          <label>
            Agent
            <select name="agentId" defaultValue={params.agentId ?? ''}>
              <option value="">All agents</option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          Tag
          <input type="text" name="tag" defaultValue={params.tag ?? ''} maxLength={100} placeholder="Any" />
        </label>
        <button type="submit" className="button button-primary">
          Apply
        </button>
        <span className={styles.quickRanges}>
          {[7, 30, 90].map((days) => (
            <Link key={days} href={`/reports/${slug}?${pageQuery(params, lastDays(days, now))}`}>
              Last {days} days
            </Link>
          ))}
        </span>
      </form>
      {params.tag ? (
        <p className={styles.note} role="note">
          Tag “{params.tag}”: figures for contacts with this tag. Templates, error codes, cost and words are not kept per tag: they cover
          every contact.
        </p>
      ) : null}
      {children}
    </div>
  );
}
