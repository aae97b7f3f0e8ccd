import {
  type Comparison,
  type ConditionGroup,
  type ConditionItem,
  type ConditionRow,
  type EventFilter,
  type FieldOperator,
  ruleToGroup,
  type SinceUnit,
  type WindowUnit,
} from './condition-model';

/** What an event filter means as something the customer did ("asked about price", "placed an order"). */
const EVENT_DEEDS: Readonly<Record<string, string>> = {
  'message.received': 'wrote',
  'message.status': 'had a message status update',
  'message.not_read': 'left a message unread',
  'order.created': 'placed an order',
  'order.paid': 'paid an order',
  'order.shipped': 'had an order shipped',
  'deal.stage_changed': 'moved to another deal stage',
  'store.visited': 'visited a store',
  'link.clicked': 'clicked a link',
  'contact.created': 'became a contact',
  'contact.tag_added': 'was tagged',
  'contact.tag_removed': 'lost a tag',
  'contact.field_changed': 'had a field changed',
  'contact.merged': 'had a duplicate merged in',
  'contact.merge_undone': 'had a merge undone',
  'manual.run': 'was run by hand',
  'schedule.tick': 'had a scheduled run',
  'webhook.received': 'sent an incoming webhook',
};

function quoted(text: string): string {
  return `“${text}”`;
}

function deed(filter: EventFilter): string {
  switch (filter.key) {
    case 'intent':
      return `asked about ${filter.value || 'anything'}`;
    case 'type':
      return EVENT_DEEDS[filter.value] ?? `had a ${quoted(filter.value)} event`;
    case 'text_contains':
      return `wrote ${quoted(filter.value)}`;
    case 'reply_id':
      return `tapped ${quoted(filter.value)}`;
    case 'any':
      return 'did anything';
  }
}

function plural(amount: number, one: string, many = `${one}s`): string {
  return `${amount} ${amount === 1 ? one : many}`;
}

const UNIT_WORDS: Readonly<Record<Exclude<WindowUnit, 'all'>, string>> = { m: 'minute', h: 'hour', d: 'day', w: 'week' };

function windowText(amount: number, unit: WindowUnit): string {
  return unit === 'all' ? 'ever' : `in ${plural(amount, UNIT_WORDS[unit])}`;
}

/** "3+ times", "more than 3 times", "exactly once"… */
function timesText(operator: Comparison, count: number): string {
  const times = count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
  switch (operator) {
    case '>=':
      return count === 1 ? 'at least once' : `${count}+ times`;
    case '>':
      return `more than ${times}`;
    case '==':
      return count === 0 ? 'never' : `exactly ${times}`;
    case '!=':
      return `not exactly ${times}`;
    case '<':
      return count <= 1 ? 'never' : `fewer than ${count} times`;
    case '<=':
      return count === 0 ? 'never' : `at most ${times}`;
  }
}

/** "72+ hours", "less than 2 days"… for a time since something. */
function sinceText(operator: Comparison, amount: number, unit: SinceUnit): string {
  const span = plural(amount, UNIT_WORDS[unit]);
  switch (operator) {
    case '>=':
      return `${amount}+ ${UNIT_WORDS[unit]}s`;
    case '>':
      return `more than ${span}`;
    case '==':
      return `exactly ${span}`;
    case '!=':
      return `not exactly ${span}`;
    case '<':
      return `less than ${span}`;
    case '<=':
      return `at most ${span}`;
  }
}

const COMPARISON_WORDS: Readonly<Record<Comparison, string>> = {
  '==': 'is',
  '!=': 'is not',
  '>': 'is more than',
  '>=': 'is at least',
  '<': 'is less than',
  '<=': 'is at most',
};

/** "contact.first_name" reads as "contact first name"; "event.text" as "message text". */
function fieldName(path: string): string {
  if (path === 'event.text') return 'message text';
  return path.replace(/[._]+/g, ' ').trim();
}

function fieldText(field: string, operator: FieldOperator, value: string): string {
  const name = fieldName(field);
  switch (operator) {
    case 'is_set':
      return `${name} is set`;
    case 'is_empty':
      return `${name} is empty`;
    case 'contains':
      return `${name} contains ${quoted(value)}`;
    default:
      return `${name} ${COMPARISON_WORDS[operator]} ${/^-?\d+(\.\d+)?$/.test(value.trim()) ? value.trim() : quoted(value)}`;
  }
}

function rowText(row: ConditionRow): string {
  switch (row.kind) {
    case 'field':
      return fieldText(row.field, row.operator, row.value);
    case 'events_count': {
      const times = timesText(row.operator, row.count);
      return times === 'never'
        ? `never ${deed(row.filter)} ${windowText(row.amount, row.unit)}`
        : `${deed(row.filter)} ${times} ${windowText(row.amount, row.unit)}`;
    }
    case 'since_last':
      return `last ${deed(row.filter)} ${sinceText(row.operator, row.amount, row.unit)} ago`;
    case 'consecutive':
      return `${deed(row.filter)} ${row.count === 1 ? 'in the latest message' : `${row.count} times in a row`}`;
    case 'has_tag':
      return row.negate ? `has no ${quoted(row.tag)} tag` : `has the ${quoted(row.tag)} tag`;
    case 'intent':
      return row.negate ? `the message is not about ${row.intent}` : `the message is about ${row.intent}`;
    case 'sentiment':
      return `the conversation’s mood (0 negative, 1 positive) ${COMPARISON_WORDS[row.operator]} ${row.value}`;
  }
}

function itemText(item: ConditionItem, nested: boolean): string {
  if (item.kind !== 'group') return rowText(item);
  if (item.items.length === 0) return item.combinator === 'and' ? 'always' : 'never';
  const [only] = item.items;
  if (item.items.length === 1 && only) return itemText(only, nested);
  const parts = item.items.map((inner) => itemText(inner, true));
  const joined = `${parts.slice(0, -1).join(', ')}${parts.length > 2 ? ',' : ''} ${item.combinator} ${parts[parts.length - 1] ?? ''}`;
  return nested ? `(${joined})` : joined;
}

/**
 * A condition as a sentence a marketer reads on the canvas ("asked about
 * price 3+ times in 7 days and has no “coupon” tag"), for every rule the
 * condition builder writes; null for a rule only the raw JSONLogic view can
 * show.
 */
export function describeCondition(rule: unknown): string | null {
  const group: ConditionGroup | null = ruleToGroup(rule);
  return group ? itemText(group, false) : null;
}
