import { BEHAVIOUR_LOGIC_OPERATORS } from '@parley/flow-core';

export type BehaviourOperator = (typeof BEHAVIOUR_LOGIC_OPERATORS)[number];

/** One behaviour operator found in a rule, replaced by a placeholder before compiling. */
export interface BehaviourCall {
  /** Placeholder key under `__behaviour` in the evaluation data. */
  key: string;
  operator: BehaviourOperator;
  args: unknown[];
  /** Readable form for the step log, e.g. events_count({"intent":"price"}, "7d"). */
  label: string;
}

function isBehaviourOperator(value: string): value is BehaviourOperator {
  return BEHAVIOUR_LOGIC_OPERATORS.some((op) => op === value);
}

/**
 * Replaces behaviour operators (which read stored events) with `var`
 * placeholders and turns `has_tag` into plain JSONLogic, so the rest can be
 * compiled once and run synchronously after the queries are done.
 */
export function extractBehaviourCalls(rule: unknown): { rule: unknown; calls: BehaviourCall[] } {
  const calls: BehaviourCall[] = [];
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (typeof node !== 'object' || node === null) return node;
    const entries = Object.entries(node);
    const [operator, value] = entries[0] ?? ['', undefined];
    if (entries.length === 1 && isBehaviourOperator(operator)) {
      const args = Array.isArray(value) ? value : value === undefined ? [] : [value];
      const label = `${operator}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
      const existing = calls.find((c) => c.label === label);
      const key = existing?.key ?? `b${calls.length}`;
      if (!existing) calls.push({ key, operator, args, label });
      return { var: `__behaviour.${key}` };
    }
    if (entries.length === 1 && operator === 'has_tag') {
      const tag = Array.isArray(value) ? value[0] : value;
      return { in: [tag, { var: ['contact.tags', []] }] };
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, rewrite(v)]));
  };
  return { rule: rewrite(rule), calls };
}
