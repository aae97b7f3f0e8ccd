import type { z } from 'zod';
import { readFromEngine, type EngineResult } from '@/lib/engine-server';
import { filterOptionsSchema } from './report-schemas';
import { engineQuery, readReportParams, type ReportParams } from './report-params';

export interface ReportPageData<T> {
  params: ReportParams;
  now: Date;
  report: EngineResult<T>;
  flows: { id: string; label: string }[];
  numbers: { id: string; label: string }[];
}

/** Reads a report for the page's URL, and the flows and numbers its filters offer. */
export async function loadReport<T>(
  path: string,
  schema: z.ZodType<T>,
  search: Record<string, string | string[] | undefined>,
  extra: Record<string, string> = {},
): Promise<ReportPageData<T>> {
  const now = new Date();
  const params = readReportParams(search, now);
  const [report, flows, numbers] = await Promise.all([
    readFromEngine(`${path}?${engineQuery(params, extra)}`, schema),
    readFromEngine('/api/flows', filterOptionsSchema.flows),
    readFromEngine('/api/whatsapp/numbers', filterOptionsSchema.numbers),
  ]);
  return {
    params,
    now,
    report,
    flows: flows.ok ? flows.data.data.map((f) => ({ id: f.id, label: f.name })) : [],
    numbers: numbers.ok ? numbers.data.data.map((n) => ({ id: n.id, label: n.displayPhoneNumber || n.phoneNumberId })) : [],
  };
}

/** "1–7 March" style label of the previous period the engine compared with. */
export function previousLabel(range: { from: string; to: string } | null): string {
  if (!range) return 'the previous period';
  const to = new Date(Date.parse(range.to) - 1);
  return `${range.from.slice(0, 10)} to ${to.toISOString().slice(0, 10)}`;
}
