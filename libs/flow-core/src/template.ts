/**
 * Message templates: text with `{{ path | filter | "fallback" }}` placeholders,
 * e.g. "Hi {{ contact.first_name | "there" }}, your order shipped {{ crm.last_order.shipped_at | ago }}".
 * Parsing is shared by the canvas (variable picker, previews) and the engine.
 */

export const TEMPLATE_FILTERS = ['ago', 'date', 'datetime', 'time', 'money', 'upper', 'lower', 'capitalize'] as const;
export type TemplateFilter = (typeof TEMPLATE_FILTERS)[number];

export interface TemplateVariable {
  /** Dotted path, e.g. "contact.first_name" or "steps.coupon.code". */
  path: string;
  filters: TemplateFilter[];
  /** Used when the value is missing or empty. */
  fallback: string | null;
  /** Offsets of the whole placeholder in the text. */
  start: number;
  end: number;
}

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'variable'; variable: TemplateVariable };

export type ParseTemplateResult = { ok: true; parts: TemplatePart[] } | { ok: false; error: string; index: number };

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_-]+)*$/;

function isFilter(name: string): name is TemplateFilter {
  return TEMPLATE_FILTERS.some((f) => f === name);
}

/** Splits a placeholder body on "|" outside double quotes. */
function splitPipes(body: string): string[] | null {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i] ?? '';
    if (quoted && char === '\\' && i + 1 < body.length) {
      current += char + (body[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === '|' && !quoted) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (quoted) return null;
  parts.push(current.trim());
  return parts;
}

function unquote(token: string): string | null {
  if (token.length < 2 || !token.startsWith('"') || !token.endsWith('"')) return null;
  return token.slice(1, -1).replace(/\\(["\\])/g, '$1');
}

export function parseTemplate(text: string): ParseTemplateResult {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  while (cursor < text.length) {
    const open = text.indexOf('{{', cursor);
    if (open === -1) {
      parts.push({ kind: 'text', text: text.slice(cursor) });
      break;
    }
    if (open > cursor) parts.push({ kind: 'text', text: text.slice(cursor, open) });
    const close = text.indexOf('}}', open + 2);
    if (close === -1) return { ok: false, error: 'a "{{" is never closed with "}}"', index: open };
    const body = text.slice(open + 2, close);
    const pieces = splitPipes(body);
    if (!pieces) return { ok: false, error: 'a quoted fallback is not closed', index: open };
    const [path = '', ...rest] = pieces;
    if (!PATH.test(path)) return { ok: false, error: `"${path}" is not a variable name`, index: open };
    const filters: TemplateFilter[] = [];
    let fallback: string | null = null;
    for (const piece of rest) {
      const quoted = unquote(piece);
      if (quoted !== null) {
        if (fallback !== null) return { ok: false, error: `"${path}" has two fallbacks`, index: open };
        fallback = quoted;
      } else if (isFilter(piece)) {
        filters.push(piece);
      } else {
        return { ok: false, error: `unknown filter "${piece}" (use ${TEMPLATE_FILTERS.join(', ')} or a "quoted fallback")`, index: open };
      }
    }
    parts.push({ kind: 'variable', variable: { path, filters, fallback, start: open, end: close + 2 } });
    cursor = close + 2;
  }
  return { ok: true, parts };
}

/** Every variable a template refers to (empty when it does not parse). */
export function templateVariables(text: string): TemplateVariable[] {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return [];
  return parsed.parts.flatMap((p) => (p.kind === 'variable' ? [p.variable] : []));
}
