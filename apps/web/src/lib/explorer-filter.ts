import { zonedStartOf, zonedWallTimeToIso } from '@parley/flow-core';

/** The explorer's filters as they appear in the /executions address (all text, all optional). */
export interface ExplorerFilter {
  flowId: string;
  flowVersionId: string;
  status: string;
  contact: string;
  errorCode: string;
  failedStep: string;
  testRuns: string;
  stuck: string;
  range: string;
  from: string;
  to: string;
}

export const EXPLORER_KEYS = [
  'flowId',
  'flowVersionId',
  'status',
  'contact',
  'errorCode',
  'failedStep',
  'testRuns',
  'stuck',
  'range',
  'from',
  'to',
] as const satisfies readonly (keyof ExplorerFilter)[];

export const RANGE_PRESETS = [
  { value: '', label: 'Any time' },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 3_600_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 24 * 3_600_000 },
  { value: 'today', label: 'Today', since: 'day' },
  { value: 'week', label: 'This week (since Monday)', since: 'week' },
  { value: 'custom', label: 'Custom…' },
] as const;

type SearchParams = Record<string, string | string[] | undefined>;

/** The filter from the page's search parameters (unknown keys ignored, repeated keys: the first). */
export function readExplorerFilter(params: SearchParams): ExplorerFilter {
  const read = (key: keyof ExplorerFilter): string => {
    const value = params[key];
    return (Array.isArray(value) ? value[0] : value)?.trim().slice(0, 200) ?? '';
  };
  return {
    flowId: read('flowId'),
    flowVersionId: read('flowVersionId'),
    status: read('status'),
    contact: read('contact'),
    errorCode: read('errorCode'),
    failedStep: read('failedStep'),
    testRuns: read('testRuns'),
    stuck: read('stuck'),
    range: read('range'),
    from: read('from'),
    to: read('to'),
  };
}

/**
 * A datetime-local value ("2026-03-02T09:00") read in the workspace's time
 * zone, or an ISO time with its offset as is; null when it is not a time.
 */
function toIso(value: string, timeZone: string): string | null {
  if (value.length === 0) return null;
  if (/Z$|[+-]\d\d:\d\d$/.test(value)) {
    const time = Date.parse(value);
    return Number.isNaN(time) ? null : new Date(time).toISOString();
  }
  return zonedWallTimeToIso(value, timeZone);
}

/**
 * The engine's filter for `filter` at `now`: a preset becomes a `from`
 * ("today" and "this week" start at midnight in the workspace's zone), a
 * custom range its bounds (wall times in that zone). Returns the fields the
 * engine's filter schema takes (the bulk actions send the same object).
 */
export function engineFilter(filter: ExplorerFilter, now: Date, timeZone = 'UTC'): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of ['flowId', 'flowVersionId', 'status', 'contact', 'errorCode', 'failedStep', 'testRuns'] as const) {
    if (filter[key].length > 0) result[key] = filter[key];
  }
  if (filter.stuck === 'true') result['stuck'] = 'true';
  const preset = RANGE_PRESETS.find((p) => p.value === filter.range);
  if (preset && 'ms' in preset) result['from'] = new Date(now.getTime() - preset.ms).toISOString();
  if (preset && 'since' in preset) result['from'] = zonedStartOf(preset.since, now, timeZone);
  if (filter.range === 'custom') {
    const from = toIso(filter.from, timeZone);
    const to = toIso(filter.to, timeZone);
    if (from) result['from'] = from;
    if (to) result['to'] = to;
  }
  return result;
}

/** The address of the explorer with `filter` (empty fields left out), for links and saved views. */
export function explorerQuery(filter: Partial<ExplorerFilter>): string {
  const params = new URLSearchParams();
  for (const key of EXPLORER_KEYS) {
    const value = filter[key];
    if (value) params.set(key, value);
  }
  return params.toString();
}
