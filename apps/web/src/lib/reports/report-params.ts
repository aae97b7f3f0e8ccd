/** The range and filters of a report page, from its URL (?from=YYYY-MM-DD&to=YYYY-MM-DD&flowId=&numberId=&agentId=&tag=). */
export interface ReportParams {
  /** First day shown (UTC), inclusive. */
  fromDay: string;
  /** Last day shown (UTC), inclusive. */
  toDay: string;
  flowId: string | null;
  numberId: string | null;
  agentId: string | null;
  /** Contacts' tag: only their messages, runs, conversions and conversations. */
  tag: string | null;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function day(value: string | undefined): string | null {
  return value && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? value : null;
}

function tag(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed.length >= 1 && trimmed.length <= 100 ? trimmed : null;
}

function uuid(value: string | undefined): string | null {
  return value && UUID.test(value) ? value : null;
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Reads the URL's parameters; anything missing or malformed falls back to the last 7 days and no filter. */
export function readReportParams(search: Record<string, string | string[] | undefined>, now: Date): ReportParams {
  const toDay = day(one(search['to'])) ?? isoDay(now.getTime());
  const fromDay = day(one(search['from'])) ?? isoDay(Date.parse(`${toDay}T00:00:00Z`) - 6 * DAY_MS);
  const ordered = fromDay <= toDay ? [fromDay, toDay] : [toDay, fromDay];
  return {
    fromDay: ordered[0] ?? fromDay,
    toDay: ordered[1] ?? toDay,
    flowId: uuid(one(search['flowId'])),
    numberId: uuid(one(search['numberId'])),
    agentId: uuid(one(search['agentId'])),
    tag: tag(one(search['tag'])),
  };
}

/**
 * The engine's query string for these parameters (the last day counts whole).
 * `withTag: false` for the figures the engine does not keep per tag (templates, error codes, cost, words).
 */
export function engineQuery(params: ReportParams, extra: Record<string, string> = {}, withTag = true): string {
  const query = new URLSearchParams({
    from: `${params.fromDay}T00:00:00.000Z`,
    to: new Date(Date.parse(`${params.toDay}T00:00:00Z`) + DAY_MS).toISOString(),
    ...extra,
  });
  if (params.flowId) query.set('flowId', params.flowId);
  if (params.numberId) query.set('numberId', params.numberId);
  if (params.agentId) query.set('agentId', params.agentId);
  if (params.tag && withTag) query.set('tag', params.tag);
  return query.toString();
}

/** This page's own query string (for links between the reports, keeping the range and filters). */
export function pageQuery(params: ReportParams, change: Partial<ReportParams> = {}): string {
  const merged = { ...params, ...change };
  const query = new URLSearchParams({ from: merged.fromDay, to: merged.toDay });
  if (merged.flowId) query.set('flowId', merged.flowId);
  if (merged.numberId) query.set('numberId', merged.numberId);
  if (merged.agentId) query.set('agentId', merged.agentId);
  if (merged.tag) query.set('tag', merged.tag);
  return query.toString();
}

/** The last `days` days ending today, for the quick range links. */
export function lastDays(days: number, now: Date): Pick<ReportParams, 'fromDay' | 'toDay'> {
  return { fromDay: isoDay(now.getTime() - (days - 1) * DAY_MS), toDay: isoDay(now.getTime()) };
}
