/**
 * The JSONLogic dialect of conditions: the standard operators plus Parley's
 * behaviour operators, computed from the contact's stored events:
 *
 * - `{"events_count": [filter, window, offset?]}`: how many events match
 *   `filter` in the window ("7d", "72h", "30m", seconds, or "all"), ending
 *   `offset` ago (default now). Filter: `{type?, intent?, text_contains?, reply_id?}`.
 * - `{"consecutive": [filter, n]}`: the contact's last `n` messages all match.
 * - `{"since_last": [filter, unit?]}`: time since the last matching event in
 *   "h" (default), "d", "m" or "s"; never seen counts as forever.
 * - `{"intent": [text, name]}`: the text matches one of the workspace's intents.
 * - `{"has_tag": [tag]}`: the contact has the tag.
 * - `{"sentiment": [text]}`: 0 (negative) to 1 (positive), 0.5 neutral.
 * - `{"conversation_sentiment": []}`: sentiment of the contact's last conversation.
 */
export const STANDARD_LOGIC_OPERATORS = [
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'map',
  'reduce',
  'filter',
  'all',
  'none',
  'some',
  'merge',
  'in',
  'cat',
  'substr',
] as const;

export const BEHAVIOUR_LOGIC_OPERATORS = ['events_count', 'consecutive', 'since_last', 'conversation_sentiment'] as const;
export const PURE_CUSTOM_LOGIC_OPERATORS = ['intent', 'has_tag', 'sentiment'] as const;

const KNOWN = new Set<string>([...STANDARD_LOGIC_OPERATORS, ...BEHAVIOUR_LOGIC_OPERATORS, ...PURE_CUSTOM_LOGIC_OPERATORS]);

const DURATION = /^(\d{1,6})(s|m|h|d|w)$/;

/** Seconds in a window spec ("7d", "72h", "30m", "45s", "2w" or a number of seconds); null for "all". */
export function parseWindow(spec: unknown): number | null | undefined {
  if (spec === 'all') return null;
  if (typeof spec === 'number' && Number.isInteger(spec) && spec > 0) return spec;
  if (typeof spec !== 'string') return undefined;
  const match = DURATION.exec(spec.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2] ?? 's'] ?? 1;
  return amount * unit;
}

const FILTER_KEYS = new Set(['type', 'intent', 'text_contains', 'reply_id']);

function filterProblem(filter: unknown): string | null {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter))
    return 'its filter must be an object like {"intent": "price"}';
  for (const key of Object.keys(filter))
    if (!FILTER_KEYS.has(key)) return `unknown filter key "${key}" (use type, intent, text_contains, reply_id)`;
  return null;
}

function args(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Problems with a rule: unknown operators and malformed behaviour operators. Empty when it is fine. */
export function logicRuleProblems(rule: unknown): string[] {
  const problems: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const entries = Object.entries(node);
    if (entries.length !== 1) {
      problems.push(`an operation must have exactly one operator (found ${entries.length})`);
      return;
    }
    const [operator, value] = entries[0] ?? ['', null];
    if (!KNOWN.has(operator)) {
      problems.push(`unknown operator "${operator}"`);
      return;
    }
    const list = args(value);
    switch (operator) {
      case 'events_count': {
        const problem = filterProblem(list[0]);
        if (problem) problems.push(`events_count: ${problem}`);
        if (parseWindow(list[1]) === undefined) problems.push('events_count: the window must be like "7d", "72h", "30m" or "all"');
        if (list.length > 2 && (parseWindow(list[2]) === undefined || list[2] === 'all'))
          problems.push('events_count: the offset must be like "7d"');
        return;
      }
      case 'consecutive': {
        const problem = filterProblem(list[0]);
        if (problem) problems.push(`consecutive: ${problem}`);
        if (typeof list[1] !== 'number' || !Number.isInteger(list[1]) || list[1] < 1 || list[1] > 50)
          problems.push('consecutive: n must be a whole number from 1 to 50');
        return;
      }
      case 'since_last': {
        const problem = filterProblem(list[0]);
        if (problem) problems.push(`since_last: ${problem}`);
        if (list.length > 1 && !['s', 'm', 'h', 'd'].includes(String(list[1])))
          problems.push('since_last: the unit must be "s", "m", "h" or "d"');
        return;
      }
      case 'intent':
        if (typeof list[1] !== 'string' || list[1].length === 0) problems.push('intent: the second argument must name an intent');
        visit(list[0]);
        return;
      case 'has_tag':
        if (typeof list[0] !== 'string' || list[0].length === 0) problems.push('has_tag: give the tag name');
        return;
      default:
        list.forEach(visit);
    }
  };
  visit(rule);
  return problems;
}
