/**
 * A parser for the part of SOQL a sync connector uses: SELECT fields (or
 * COUNT()) FROM one sObject, WHERE with =, !=, <, <=, >, >=, LIKE, IN, NOT IN,
 * AND, OR, NOT and parentheses (mixing AND and OR without parentheses is an
 * error, as in Salesforce), ORDER BY, LIMIT and OFFSET. Literals: strings,
 * numbers, TRUE/FALSE/NULL, dates, datetimes and the date literals TODAY,
 * YESTERDAY, TOMORROW, LAST_N_DAYS:n and NEXT_N_DAYS:n.
 */
export type Literal =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'datetime'; ms: number }
  | { type: 'date'; value: string }
  | { type: 'dateRange'; from: number; to: number };

export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expression =
  | { kind: 'and' | 'or'; parts: Expression[] }
  | { kind: 'not'; inner: Expression }
  | { kind: 'compare'; field: string; op: Comparison; value: Literal }
  | { kind: 'like'; field: string; pattern: string }
  | { kind: 'in'; field: string; negate: boolean; values: Literal[] };

export interface SoqlQuery {
  fields: string[] | 'count';
  sobject: string;
  where: Expression | null;
  orderBy: { field: string; descending: boolean; nullsLast: boolean }[];
  limit: number | null;
  offset: number | null;
}

export class SoqlSyntaxError extends Error {}

interface Token {
  kind: 'string' | 'datetime' | 'date' | 'number' | 'dateLiteral' | 'op' | 'punct' | 'word';
  text: string;
  position: number;
}

const PATTERNS: [Token['kind'], RegExp][] = [
  ['string', /^'(?:[^'\\]|\\.)*'/],
  ['datetime', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/],
  ['date', /^\d{4}-\d{2}-\d{2}(?![\dT])/],
  ['number', /^-?\d+(?:\.\d+)?/],
  ['dateLiteral', /^(?:LAST_N_DAYS|NEXT_N_DAYS):\d+/i],
  ['op', /^(?:!=|<>|<=|>=|=|<|>)/],
  ['punct', /^[(),]/],
  ['word', /^[A-Za-z_][A-Za-z0-9_.]*/],
];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    const rest = text.slice(position);
    const space = /^\s+/.exec(rest);
    if (space) {
      position += space[0].length;
      continue;
    }
    let matched = false;
    for (const [kind, pattern] of PATTERNS) {
      const found = pattern.exec(rest);
      if (found) {
        tokens.push({ kind, text: found[0], position });
        position += found[0].length;
        matched = true;
        break;
      }
    }
    if (!matched) throw new SoqlSyntaxError(`unexpected token: '${rest.slice(0, 10)}'`);
  }
  return tokens;
}

function unquote(text: string): string {
  return text.slice(1, -1).replace(/\\(.)/g, (_match, char: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' })[char] ?? char);
}

const DAY = 86_400_000;

function dayStart(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

export function parseSoql(text: string, now: number): SoqlQuery {
  const tokens = tokenize(text);
  let index = 0;
  const peek = (): Token | undefined => tokens[index];
  const isWord = (word: string, token = peek()) => token?.kind === 'word' && token.text.toUpperCase() === word;
  const fail = (expected: string): never => {
    const token = peek();
    throw new SoqlSyntaxError(
      token ? `unexpected token: '${token.text}' (expected ${expected})` : `unexpected end of query (expected ${expected})`,
    );
  };
  const take = (): Token => {
    const token = peek();
    if (!token) return fail('more');
    index += 1;
    return token;
  };
  const word = (expected: string) => {
    if (!isWord(expected)) fail(expected);
    index += 1;
  };
  const identifier = (): string => {
    const token = peek();
    if (token?.kind !== 'word') return fail('a field name');
    index += 1;
    return token.text;
  };

  word('SELECT');
  let fields: string[] | 'count';
  if (isWord('COUNT') && tokens[index + 1]?.text === '(' && tokens[index + 2]?.text === ')') {
    index += 3;
    fields = 'count';
  } else {
    fields = [identifier()];
    while (peek()?.text === ',') {
      index += 1;
      fields.push(identifier());
    }
  }
  word('FROM');
  const sobject = identifier();

  const literal = (): Literal => {
    const token = take();
    switch (token.kind) {
      case 'string':
        return { type: 'string', value: unquote(token.text) };
      case 'number':
        return { type: 'number', value: Number(token.text) };
      case 'datetime': {
        const ms = Date.parse(token.text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
        if (Number.isNaN(ms)) throw new SoqlSyntaxError(`invalid date: ${token.text}`);
        return { type: 'datetime', ms };
      }
      case 'date':
        return { type: 'date', value: token.text };
      case 'dateLiteral': {
        const [name = '', count = '0'] = token.text.toUpperCase().split(':');
        const today = dayStart(now);
        const n = Number(count);
        return name === 'LAST_N_DAYS'
          ? { type: 'dateRange', from: today - n * DAY, to: today + DAY }
          : { type: 'dateRange', from: today, to: today + (n + 1) * DAY };
      }
      case 'word': {
        const upper = token.text.toUpperCase();
        if (upper === 'NULL') return { type: 'null' };
        if (upper === 'TRUE' || upper === 'FALSE') return { type: 'boolean', value: upper === 'TRUE' };
        const today = dayStart(now);
        if (upper === 'TODAY') return { type: 'dateRange', from: today, to: today + DAY };
        if (upper === 'YESTERDAY') return { type: 'dateRange', from: today - DAY, to: today };
        if (upper === 'TOMORROW') return { type: 'dateRange', from: today + DAY, to: today + 2 * DAY };
        break;
      }
      default:
        break;
    }
    throw new SoqlSyntaxError(`unexpected token: '${token.text}' (expected a value)`);
  };

  const primary = (): Expression => {
    if (isWord('NOT')) {
      index += 1;
      return { kind: 'not', inner: primary() };
    }
    if (peek()?.text === '(') {
      index += 1;
      const inner = expression();
      if (peek()?.text !== ')') fail("')'");
      index += 1;
      return inner;
    }
    const field = identifier();
    if (isWord('LIKE')) {
      index += 1;
      const pattern = take();
      if (pattern.kind !== 'string') throw new SoqlSyntaxError(`unexpected token: '${pattern.text}' (LIKE takes a quoted pattern)`);
      return { kind: 'like', field, pattern: unquote(pattern.text) };
    }
    let negate = false;
    if (isWord('NOT') && isWord('IN', tokens[index + 1])) {
      negate = true;
      index += 1;
    }
    if (isWord('IN')) {
      index += 1;
      if (peek()?.text !== '(') fail("'('");
      index += 1;
      const values = [literal()];
      while (peek()?.text === ',') {
        index += 1;
        values.push(literal());
      }
      if (peek()?.text !== ')') fail("')'");
      index += 1;
      return { kind: 'in', field, negate, values };
    }
    const op = take();
    if (op.kind !== 'op') throw new SoqlSyntaxError(`unexpected token: '${op.text}' (expected an operator)`);
    const comparison: Comparison =
      op.text === '<>'
        ? '!='
        : op.text === '!=' || op.text === '<' || op.text === '<=' || op.text === '>' || op.text === '>='
          ? op.text
          : '=';
    return { kind: 'compare', field, op: comparison, value: literal() };
  };

  const expression = (): Expression => {
    const parts = [primary()];
    let joiner: 'and' | 'or' | null = null;
    while (isWord('AND') || isWord('OR')) {
      const next = isWord('AND') ? 'and' : 'or';
      if (joiner !== null && joiner !== next)
        throw new SoqlSyntaxError(`unexpected token: '${take().text}' (use parentheses to combine AND and OR)`);
      joiner = next;
      index += 1;
      parts.push(primary());
    }
    return joiner === null && parts[0] ? parts[0] : { kind: joiner ?? 'and', parts };
  };

  let where: Expression | null = null;
  if (isWord('WHERE')) {
    index += 1;
    where = expression();
  }
  const orderBy: SoqlQuery['orderBy'] = [];
  if (isWord('ORDER')) {
    index += 1;
    word('BY');
    do {
      if (orderBy.length > 0) index += 1;
      const field = identifier();
      let descending = false;
      if (isWord('ASC') || isWord('DESC')) descending = take().text.toUpperCase() === 'DESC';
      let nullsLast = descending;
      if (isWord('NULLS')) {
        index += 1;
        if (!isWord('FIRST') && !isWord('LAST')) fail('FIRST or LAST');
        nullsLast = take().text.toUpperCase() === 'LAST';
      }
      orderBy.push({ field, descending, nullsLast });
    } while (peek()?.text === ',');
  }
  const integer = (clause: string): number => {
    const token = take();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text))
      throw new SoqlSyntaxError(`unexpected token: '${token.text}' (${clause} takes a whole number)`);
    return Number(token.text);
  };
  let limit: number | null = null;
  let offset: number | null = null;
  if (isWord('LIMIT')) {
    index += 1;
    limit = integer('LIMIT');
  }
  if (isWord('OFFSET')) {
    index += 1;
    offset = integer('OFFSET');
    if (offset > 2000) throw new SoqlSyntaxError('maximum SOQL offset allowed is 2000');
  }
  if (peek()) fail('the end of the query');
  return { fields, sobject, where, orderBy, limit, offset };
}
