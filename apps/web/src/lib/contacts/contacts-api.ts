import { z } from 'zod';

const consent = z.enum(['unknown', 'opted_in', 'opted_out']);

export const contactRowSchema = z.object({
  id: z.string(),
  waId: z.string().nullable(),
  phoneE164: z.string().nullable(),
  displayName: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  email: z.string().nullable(),
  list: z.string().nullable(),
  tags: z.array(z.string()),
  fields: z.record(z.string(), z.unknown()),
  lastInboundAt: z.string().nullable(),
  consent: z.object({ marketing: consent, transactional: consent }),
  leadSource: z.string().nullable(),
  crmSystems: z.array(z.string()),
  updatedAt: z.string(),
});
export type ContactRow = z.infer<typeof contactRowSchema>;
export const contactPageSchema = z.object({ data: z.array(contactRowSchema), nextCursor: z.string().nullable() });

export const contactDetailSchema = contactRowSchema.omit({ leadSource: true, crmSystems: true, updatedAt: true }).extend({
  timeZone: z.string().nullable(),
  locale: z.string().nullable(),
});
export type ContactDetail = z.infer<typeof contactDetailSchema>;

export const profileSchema = z.object({
  id: z.string(),
  mergedIntoId: z.string().nullable(),
  identity: z.object({
    phoneE164: z.string().nullable(),
    waId: z.string().nullable(),
    bsuid: z.string().nullable(),
    email: z.string().nullable(),
    history: z.array(z.object({ kind: z.string(), value: z.string(), reason: z.string(), endedAt: z.string() })),
    crmIds: z.array(z.object({ system: z.string(), externalId: z.string(), url: z.string().nullable() })),
    mergedContacts: z.array(
      z.object({ id: z.string(), phoneE164: z.string().nullable(), waId: z.string().nullable(), email: z.string().nullable() }),
    ),
  }),
  conversations: z.array(z.object({ id: z.string(), status: z.string(), lastActivityAt: z.string() })),
  orders: z.array(
    z.object({
      id: z.string(),
      externalId: z.string(),
      status: z.string(),
      total: z.string().nullable(),
      currency: z.string().nullable(),
      placedAt: z.string(),
    }),
  ),
  opportunities: z.array(
    z.object({ id: z.string(), title: z.string(), stage: z.string(), amount: z.string().nullable(), currency: z.string().nullable() }),
  ),
  openTasks: z.array(z.object({ id: z.string(), title: z.string(), dueAt: z.string().nullable(), assignedUserId: z.string().nullable() })),
  merges: z.array(
    z.object({
      id: z.string(),
      keptContactId: z.string(),
      mergedContactId: z.string(),
      mergedAt: z.string(),
      undoUntil: z.string(),
      undoneAt: z.string().nullable(),
      automatic: z.boolean(),
    }),
  ),
});
export type Profile = z.infer<typeof profileSchema>;

export const timelineSchema = z.object({
  data: z.array(z.object({ kind: z.string(), id: z.string(), at: z.string(), title: z.string(), detail: z.string().nullable() })),
});

const side = z.object({
  id: z.string(),
  name: z.string().nullable(),
  phoneE164: z.string().nullable(),
  email: z.string().nullable(),
  updatedAt: z.string(),
});
export const candidateSchema = z.object({
  id: z.string(),
  score: z.number(),
  reasons: z.array(z.record(z.string(), z.unknown())),
  status: z.string(),
  detectedAt: z.string(),
  a: side,
  b: side,
});
export type Candidate = z.infer<typeof candidateSchema>;
export const candidatesSchema = z.object({ data: z.array(candidateSchema) });
export const conflictsSchema = z.object({
  conflicts: z.array(z.object({ field: z.string(), kept: z.unknown(), merged: z.unknown(), defaultSide: z.enum(['kept', 'merged']) })),
});
export const mergedSchema = z.object({ mergeId: z.string() });
export const undoneSchema = z.object({ keptContactId: z.string(), restoredContactId: z.string() });
/** The whole-workspace duplicate scan: a background job with its progress. */
export const scanJobSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  stage: z.enum(['phone', 'email', 'identity', 'sku']),
  stagesDone: z.number(),
  stagesTotal: z.number(),
  steps: z.number(),
  pairsFound: z.number(),
  contactsCompared: z.number(),
  autoMerged: z.number(),
  /** Same-SKU blocks the scan's bounds cut short, and the first 20 of them: pairs there may be missed. */
  cappedBlocks: z.number(),
  cappedExamples: z.array(z.object({ sku: z.string(), key: z.string(), purchases: z.number(), truncated: z.boolean() })),
  error: z.string().nullable(),
});
export type ScanJob = z.infer<typeof scanJobSchema>;
export const latestScanSchema = z.object({ job: scanJobSchema.nullable() });

const STAGE_LABEL: Record<ScanJob['stage'], string> = {
  phone: 'same number',
  email: 'same email',
  identity: 'former WhatsApp identities',
  sku: 'similar names with the same product',
};

const pairs = (n: number) => `${n} ${n === 1 ? 'pair' : 'pairs'}`;

/** One line on where a scan stands, for the status area. */
export function describeScan(job: ScanJob): string {
  if (job.status === 'queued') return 'Duplicate scan queued…';
  if (job.status === 'failed') return `Duplicate scan failed: ${job.error ?? 'unknown error'}`;
  if (job.status === 'done')
    return `Scan done: ${pairs(job.pairsFound)} found, ${job.autoMerged} merged automatically (same WhatsApp identity).`;
  return `Scanning (${job.stagesDone + 1} of ${job.stagesTotal}: ${STAGE_LABEL[job.stage]})… ${pairs(job.pairsFound)} found so far.`;
}

export const importReportSchema = z.object({
  dryRun: z.boolean(),
  rows: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  skipped: z.array(z.object({ row: z.number(), reason: z.string() })),
  possibleDuplicates: z.array(z.object({ row: z.number(), contactId: z.string(), reason: z.string() })),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export interface ContactFilters {
  search: string;
  tag: string;
  list: string;
  consent: string;
  leadSource: string;
  lastInteraction: string;
  crm: string;
}

export const EMPTY_FILTERS: ContactFilters = { search: '', tag: '', list: '', consent: '', leadSource: '', lastInteraction: '', crm: '' };

/** The query string of the filters that are set. */
export function filterQuery(filters: ContactFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value.trim() !== '') params.set(key, value.trim());
  return params;
}

/** The name a person reads: first and last name, else the WhatsApp name, else the number. */
export function contactName(c: {
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  phoneE164: string | null;
}): string {
  return [c.firstName, c.lastName].filter(Boolean).join(' ') || c.displayName || c.phoneE164 || 'Unnamed contact';
}

/** "same number +39…", "similar name (0.92) and same SKU APL-IP15PM 12 days apart". */
export function describeReason(reason: Record<string, unknown>): string {
  switch (reason['kind']) {
    case 'same_phone':
      return `same number ${String(reason['value'])}`;
    case 'same_email':
      return `same email ${String(reason['value'])}`;
    case 'same_whatsapp_identity':
      return `same WhatsApp identity ${String(reason['value'])}`;
    case 'similar_name_same_sku':
      return `names ${Math.round(Number(reason['similarity']) * 100)}% alike and both bought ${String(reason['sku'])} ${String(reason['daysApart'])} days apart`;
    default:
      return String(reason['kind']);
  }
}
