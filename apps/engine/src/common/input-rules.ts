/**
 * The one input rule of the API, applied to every JSON body, query string
 * and route parameter before any handler, pipe or schema sees it (see
 * docs/ARCHITECTURE.md, "Input rules and limits").
 *
 * - No text may hold a NUL character (PostgreSQL cannot store it in text or
 *   jsonb) or a lone UTF-16 surrogate (not a character: it cannot be encoded
 *   as UTF-8, and PostgreSQL refuses its `\ud800` escape in jsonb).
 * - JSON is bounded in depth, keys per object, array length and string
 *   length, so nothing recursive downstream (zod, JSONLogic, JSON.stringify,
 *   jsonb) can exhaust the stack or the CPU. The body's size is bounded by
 *   the body parser (`API_MAX_BODY_BYTES`).
 *
 * The walk is iterative (an explicit stack), so it is safe on any input
 * `JSON.parse` accepts (V8's JSON.parse is itself iterative: a million
 * nested arrays parse).
 */
export const INPUT_LIMITS = {
  /** Levels of nested objects and arrays below the body (the body itself is level 0). */
  maxDepth: 32,
  /** Keys of one object. */
  maxKeys: 1000,
  /** Items of one array. */
  maxArrayLength: 10_000,
  /** Characters (UTF-16 code units) of one string or object key. */
  maxStringLength: 100_000,
} as const;

export type InputLimitName = keyof typeof INPUT_LIMITS;

/** Where a value came from: the JSON body, the query string or the route's path. */
export type InputSource = 'body' | 'query' | 'path';

export interface InputProblem {
  in: InputSource;
  /** The field: a JSON path in the body ("definition.nodes.0.label"), the query parameter or the route parameter name. */
  path: string;
  message: string;
  /** The limit that was broken, when one was. */
  limit?: InputLimitName;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text cannot be taken, or null when it can. */
export function textProblem(text: string): { message: string; limit?: InputLimitName } | null {
  if (text.length > INPUT_LIMITS.maxStringLength) {
    return { message: `is ${text.length} characters long; the limit is ${INPUT_LIMITS.maxStringLength}`, limit: 'maxStringLength' };
  }
  if (text.includes('\u0000')) return { message: 'contains a NUL character (\\u0000), which cannot be stored' };
  if (LONE_SURROGATE.test(text)) return { message: 'contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not a character' };
  return null;
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/** Problems stop being collected after this many: one is enough to refuse, a few help the caller. */
const MAX_PROBLEMS = 10;

/**
 * Checks one value (a parsed JSON body, a query object, a route parameter)
 * against the input rule. `path` names the value itself ("" for a body).
 */
export function inputProblems(value: unknown, source: InputSource, path = ''): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (at: string, problem: { message: string; limit?: InputLimitName }) => {
    problems.push({ in: source, path: at || source, ...problem });
  };
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path, depth: 0 }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const item = stack.pop();
    if (!item) break;
    const current = item.value;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) add(item.path, problem);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (item.depth >= INPUT_LIMITS.maxDepth) {
      add(item.path, { message: `is nested deeper than ${INPUT_LIMITS.maxDepth} levels`, limit: 'maxDepth' });
      continue;
    }
    if (Array.isArray(current)) {
      if (current.length > INPUT_LIMITS.maxArrayLength) {
        add(item.path, { message: `has ${current.length} items; the limit is ${INPUT_LIMITS.maxArrayLength}`, limit: 'maxArrayLength' });
        continue;
      }
      for (let index = current.length - 1; index >= 0; index -= 1) {
        stack.push({ value: current[index], path: join(item.path, index), depth: item.depth + 1 });
      }
      continue;
    }
    const entries = Object.entries(current);
    if (entries.length > INPUT_LIMITS.maxKeys) {
      add(item.path, { message: `has ${entries.length} keys; the limit is ${INPUT_LIMITS.maxKeys}`, limit: 'maxKeys' });
      continue;
    }
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const entry = entries[index];
      if (!entry) continue;
      const [key, child] = entry;
      const keyProblem = textProblem(key);
      if (keyProblem) {
        // The key itself cannot be shown as a path, so the problem names the object that holds it.
        add(item.path, { ...keyProblem, message: `has a key that ${keyProblem.message}` });
        continue;
      }
      stack.push({ value: child, path: join(item.path, key), depth: item.depth + 1 });
    }
  }
  return problems;
}

/** The JSON answer for refused input: 400, every problem named with its field. */
export function inputProblemBody(problems: readonly InputProblem[]) {
  return {
    statusCode: 400,
    error: 'Bad Request',
    code: 'invalid_input',
    message: problems.map((p) => `${p.path}: ${p.message}${p.limit ? ` (limit ${p.limit})` : ''}`).join('; '),
    issues: problems,
  };
}
