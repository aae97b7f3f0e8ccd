import { z } from 'zod';
import { graphRequest, graphUrl, refusalOf } from './graph-request';
import { templateParameterCounts } from './template-parameters';
import { idSchema, lenient, optionalString } from './webhook-wire';

/** Where and how to reach the Graph API for a WhatsApp Business Account (no phone number involved). */
export interface GraphAccountTarget {
  baseUrl: string;
  apiVersion: string;
  accessToken: string;
  timeoutMs: number;
}

export interface GraphTemplate {
  id: string;
  name: string;
  language: string;
  /** Upper case: MARKETING, UTILITY, AUTHENTICATION. */
  category: string;
  /** Upper case: APPROVED, PENDING, REJECTED, PAUSED, DISABLED... */
  status: string;
  rejectedReason: string | null;
  components: Record<string, unknown>[];
  parameterFormat: 'positional' | 'named';
  /** What a send must carry, from `templateParameterCounts`. */
  parameters: { body: number; header: number; buttons: number };
}

export type GraphTemplatesResult =
  | { kind: 'ok'; templates: GraphTemplate[] }
  | { kind: 'rejected'; httpStatus: number; code: number; message: string }
  | { kind: 'not_sent' | 'unknown'; reason: string };

const FIELDS = 'id,name,language,status,category,components,rejected_reason,parameter_format';
const PAGE_SIZE = 100;
/** 5,000 templates: the 250 names a WABA may have in 20 languages each. More pages mean a cursor loop. */
const MAX_PAGES = 50;

const pageSchema = z.looseObject({
  data: z.array(z.unknown()),
  paging: lenient(z.looseObject({ cursors: lenient(z.looseObject({ after: optionalString })), next: optionalString })),
});

const templateSchema = z.looseObject({
  id: idSchema,
  name: z.string().min(1),
  language: z.string().min(1),
  status: optionalString,
  category: optionalString,
  components: lenient(z.array(z.record(z.string(), z.unknown()))),
  rejected_reason: optionalString,
  parameter_format: optionalString,
});

function toTemplate(template: z.infer<typeof templateSchema>): GraphTemplate {
  const components = template.components ?? [];
  const counts = templateParameterCounts(components);
  const declared = template.parameter_format?.toLowerCase();
  return {
    id: template.id,
    name: template.name,
    language: template.language,
    category: (template.category ?? 'UNKNOWN').toUpperCase(),
    status: (template.status ?? 'UNKNOWN').toUpperCase(),
    // Graph answers "NONE" for templates that were never rejected.
    rejectedReason: template.rejected_reason && template.rejected_reason !== 'NONE' ? template.rejected_reason : null,
    components,
    parameterFormat: declared === 'named' || declared === 'positional' ? declared : counts.format,
    parameters: { body: counts.body, header: counts.header, buttons: counts.buttons },
  };
}

function cursorIn(next: string): string | null {
  try {
    return new URL(next).searchParams.get('after');
  } catch {
    return null;
  }
}

/**
 * `GET /{version}/{waba_id}/message_templates`, every page. The next page is
 * asked of our own base URL with the `after` cursor rather than by following
 * `paging.next`, so the token never goes to a host the answer names. The
 * result is all or nothing: a partial list would read as deleted templates.
 */
export async function fetchMessageTemplates(target: GraphAccountTarget, wabaId: string): Promise<GraphTemplatesResult> {
  const templates: GraphTemplate[] = [];
  let after: string | null = null;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const url = new URL(graphUrl(target.baseUrl, target.apiVersion, wabaId, 'message_templates'));
    url.searchParams.set('limit', String(PAGE_SIZE));
    url.searchParams.set('fields', FIELDS);
    if (after !== null) url.searchParams.set('after', after);
    const outcome = await graphRequest(url.toString(), { method: 'GET', accessToken: target.accessToken, timeoutMs: target.timeoutMs });
    if (outcome.kind !== 'answered') return outcome;
    if (!outcome.ok) {
      const refusal = refusalOf(outcome);
      return refusal.kind === 'rejected'
        ? { kind: 'rejected', httpStatus: refusal.httpStatus, code: refusal.code, message: refusal.message }
        : refusal;
    }
    const parsed = pageSchema.safeParse(outcome.payload);
    if (!parsed.success) return { kind: 'unknown', reason: `page ${page}: HTTP ${outcome.httpStatus} without a template list` };
    for (const [index, raw] of parsed.data.data.entries()) {
      const template = templateSchema.safeParse(raw);
      if (!template.success) return { kind: 'unknown', reason: `page ${page}: template ${index} has no id, name or language` };
      templates.push(toTemplate(template.data));
    }
    const paging = parsed.data.paging;
    if (!paging?.next) return { kind: 'ok', templates };
    const cursor = paging.cursors?.after ?? cursorIn(paging.next);
    if (!cursor || cursor === after) return { kind: 'unknown', reason: `page ${page}: paging.next without a new cursor` };
    after = cursor;
  }
  return { kind: 'unknown', reason: `more than ${MAX_PAGES} pages of templates` };
}
