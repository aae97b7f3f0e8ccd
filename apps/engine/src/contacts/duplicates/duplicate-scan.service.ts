import { Injectable, Logger } from '@nestjs/common';
import { distance } from 'fastest-levenshtein';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRows } from '../../database/sql-rows';
import { ContactMergeService } from '../merge/contact-merge.service';
import {
  compareContacts,
  type DuplicatePair,
  type DuplicateSubject,
  NAME_SIMILARITY_THRESHOLD,
  normalizeName,
  SAME_SKU_WINDOW_DAYS,
} from './duplicate-rules';

const WINDOW_MS = SAME_SKU_WINDOW_DAYS * 86_400_000;
/** Subjects loaded per query. */
const LOAD_BATCH = 5000;

const groupRow = z.object({ ids: z.array(z.string()) });
const purchaseRow = z.object({ contact_id: z.string(), sku: z.string(), at: z.date(), name: z.string().nullable() });
const subjectRow = z.object({
  id: z.string(),
  phone_e164: z.string().nullable(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  wa_id: z.string().nullable(),
  bsuid: z.string().nullable(),
  created_at: z.date(),
  former: z.array(z.string()),
  purchases: z.array(z.object({ sku: z.string(), at: z.string() })),
});

export interface ScanResult {
  contactsCompared: number;
  pairsFound: number;
  autoMerged: number;
  candidatesOpen: number;
}

/** Groups of one number or one email read per step of the background scan. */
const GROUP_BLOCK = 5000;
/** Purchases read per step of the same-SKU stage (whole SKUs). */
const SKU_BLOCK_ROWS = 50_000;
/** Pairs decided per round trip (their subjects loaded together). */
const PAIR_BLOCK = 10_000;

/** The stages of the whole-workspace scan, in order: the background job works them one step at a time. */
export const SCAN_STAGES = ['phone', 'email', 'identity', 'sku'] as const;
export type ScanStage = (typeof SCAN_STAGES)[number];

export interface ScanStepOutcome {
  /** The keyset position to continue the stage from; null when the stage is finished. */
  after: string | null;
  pairsFound: number;
  autoMerged: number;
  contactsCompared: number;
}

/** Contacts that gave up a WhatsApp identity another contact now holds. */
const IDENTITY_SQL = `SELECT ARRAY[h.contact_id, c.id] AS ids FROM contact_identity_history h
   JOIN contacts c ON c.workspace_id = h.workspace_id AND c.merged_into_id IS NULL AND c.id <> h.contact_id
    AND ((h.kind = 'wa_id' AND c.wa_id = h.value) OR (h.kind = 'bsuid' AND c.bsuid = h.value))
   JOIN contacts hc ON hc.id = h.contact_id AND hc.merged_into_id IS NULL
  WHERE h.workspace_id = $1 AND ($2::uuid[] IS NULL OR h.contact_id = ANY($2::uuid[]) OR c.id = ANY($2::uuid[]))`;

function pairsOf(ids: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < ids.length; i += 1) for (let j = i + 1; j < ids.length; j += 1) out.push([ids[i] ?? '', ids[j] ?? '']);
  return out;
}

/** The name the rules compare: first and last name, else the WhatsApp profile name. */
const NAME_SQL = `coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.display_name)`;

/**
 * Finds duplicate contacts and stores them as candidates for a person to
 * review (duplicate_candidates, which it owns); pairs with the same WhatsApp
 * identity are merged at once. Candidate pairs come from blocking keys the
 * database groups quickly (same number, same email, a former identity, the
 * same SKU within 90 days); the rules in `duplicate-rules.ts` decide and score.
 * `onlyContactIds` limits the scan to pairs involving those contacts (the
 * check on new contacts); without it the whole workspace is scanned (nightly).
 */
@Injectable()
export class DuplicateScanService {
  private readonly logger = new Logger('DuplicateScan');

  constructor(
    private readonly dataSource: DataSource,
    private readonly merges: ContactMergeService,
  ) {}

  async scan(workspaceId: string, options: { onlyContactIds?: readonly string[]; detectedBy: string }): Promise<ScanResult> {
    const only = options.onlyContactIds ? [...options.onlyContactIds] : null;
    const pairs = new Map<string, [string, string]>();
    const addPair = (x: string, y: string) => {
      if (x === y) return;
      const [a, b] = x < y ? [x, y] : [y, x];
      if (only && !only.includes(a) && !only.includes(b)) return;
      pairs.set(`${a}:${b}`, [a, b]);
    };
    for (const sql of [
      `SELECT array_agg(c.id ORDER BY c.id) AS ids FROM contacts c
        WHERE c.workspace_id = $1 AND c.merged_into_id IS NULL AND c.phone_e164 IS NOT NULL
          AND ($2::uuid[] IS NULL OR c.phone_e164 IN (SELECT phone_e164 FROM contacts WHERE id = ANY($2::uuid[])))
        GROUP BY c.phone_e164 HAVING count(*) > 1`,
      `SELECT array_agg(c.id ORDER BY c.id) AS ids FROM contacts c
        WHERE c.workspace_id = $1 AND c.merged_into_id IS NULL AND c.email IS NOT NULL
          AND ($2::uuid[] IS NULL OR lower(c.email) IN (SELECT lower(email) FROM contacts WHERE id = ANY($2::uuid[])))
        GROUP BY lower(c.email) HAVING count(*) > 1`,
      IDENTITY_SQL,
    ]) {
      for (const group of await sqlRows(this.dataSource, groupRow, sql, [workspaceId, only])) {
        for (let i = 0; i < group.ids.length; i += 1) {
          for (let j = i + 1; j < group.ids.length; j += 1) addPair(group.ids[i] ?? '', group.ids[j] ?? '');
        }
      }
    }
    for (const [a, b] of await this.sameSkuSimilarNames(workspaceId, only)) addPair(a, b);

    const { found, autoMerged, compared } = await this.decideAndStore(workspaceId, [...pairs.values()], options.detectedBy);
    const open = await sqlRows(
      this.dataSource,
      z.object({ n: z.coerce.number() }),
      `SELECT count(*) AS n FROM duplicate_candidates WHERE workspace_id = $1 AND status = 'open'`,
      [workspaceId],
    );
    return { contactsCompared: compared, pairsFound: found, autoMerged, candidatesOpen: open[0]?.n ?? 0 };
  }

  /**
   * One step of the whole-workspace scan (the background job's unit of
   * work): the next block of one stage after the keyset position `after`
   * (same number, same email, a former identity, the same SKU within 90
   * days), decided and stored. Answers where the stage stands (`after` null:
   * the stage is finished). A step repeated after a crash stores the same
   * pairs again, which changes nothing.
   */
  async scanStep(workspaceId: string, stage: ScanStage, after: string | null, detectedBy: string): Promise<ScanStepOutcome> {
    let pairs: [string, string][] = [];
    let next: string | null = null;
    if (stage === 'phone' || stage === 'email') {
      const key = stage === 'phone' ? 'c.phone_e164' : 'lower(c.email)';
      const groups = await sqlRows(
        this.dataSource,
        z.object({ key: z.string(), ids: z.array(z.string()) }),
        `SELECT ${key} AS key, array_agg(c.id ORDER BY c.id) AS ids FROM contacts c
          WHERE c.workspace_id = $1 AND c.merged_into_id IS NULL AND ${key} IS NOT NULL AND ($2::text IS NULL OR ${key} > $2)
          GROUP BY ${key} HAVING count(*) > 1 ORDER BY ${key} LIMIT $3`,
        [workspaceId, after, GROUP_BLOCK],
      );
      for (const group of groups) pairs.push(...pairsOf(group.ids));
      next = groups.length === GROUP_BLOCK ? (groups[groups.length - 1]?.key ?? null) : null;
    } else if (stage === 'identity') {
      for (const group of await sqlRows(this.dataSource, groupRow, IDENTITY_SQL, [workspaceId, null])) pairs.push(...pairsOf(group.ids));
    } else {
      const block = await this.skuBlock(workspaceId, after);
      pairs = this.similarNamePairs(block.purchases);
      next = block.next;
    }
    const unique = new Map<string, [string, string]>();
    for (const [x, y] of pairs) {
      if (x === y) continue;
      const ordered: [string, string] = x < y ? [x, y] : [y, x];
      unique.set(ordered.join(':'), ordered);
    }
    const outcome = await this.decideAndStore(workspaceId, [...unique.values()], detectedBy);
    return { after: next, pairsFound: outcome.found, autoMerged: outcome.autoMerged, contactsCompared: outcome.compared };
  }

  /**
   * The purchases of the next SKUs after `after`, whole SKUs only (a SKU is
   * never cut between two steps, so its 90-day window is seen at once).
   */
  private async skuBlock(
    workspaceId: string,
    after: string | null,
  ): Promise<{ purchases: z.infer<typeof purchaseRow>[]; next: string | null }> {
    const query = (condition: string, limit: number | null, value: string | null) =>
      sqlRows(
        this.dataSource,
        purchaseRow,
        `SELECT o.contact_id, item ->> 'sku' AS sku, o.placed_at AS at, ${NAME_SQL} AS name
           FROM orders o CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(o.items) = 'array' THEN o.items ELSE '[]' END) AS item
           JOIN contacts c ON c.id = o.contact_id AND c.merged_into_id IS NULL
          WHERE o.workspace_id = $1 AND jsonb_typeof(item) = 'object' AND item ? 'sku' AND ${condition}
          ORDER BY sku, o.placed_at${limit === null ? '' : ` LIMIT ${limit}`}`,
        [workspaceId, value],
      );
    const rows = await query(`($2::text IS NULL OR item ->> 'sku' > $2)`, SKU_BLOCK_ROWS, after);
    if (rows.length < SKU_BLOCK_ROWS) return { purchases: rows, next: null };
    const first = rows[0]?.sku ?? '';
    const last = rows[rows.length - 1]?.sku ?? '';
    // One SKU alone fills the block: it is read whole.
    if (first === last) return { purchases: await query(`item ->> 'sku' = $2`, null, first), next: first };
    const whole = rows.filter((row) => row.sku !== last);
    return { purchases: whole, next: whole[whole.length - 1]?.sku ?? null };
  }

  /** Compares the pairs with the rules, stores the candidates and merges exact identity matches. */
  private async decideAndStore(
    workspaceId: string,
    pairs: readonly [string, string][],
    detectedBy: string,
  ): Promise<{ found: number; autoMerged: number; compared: number }> {
    let found = 0;
    let autoMerged = 0;
    let compared = 0;
    for (let start = 0; start < pairs.length; start += PAIR_BLOCK) {
      const block = await this.decideBlock(workspaceId, pairs.slice(start, start + PAIR_BLOCK), detectedBy);
      found += block.found;
      autoMerged += block.autoMerged;
      compared += block.compared;
    }
    return { found, autoMerged, compared };
  }

  private async decideBlock(
    workspaceId: string,
    pairs: readonly [string, string][],
    detectedBy: string,
  ): Promise<{ found: number; autoMerged: number; compared: number }> {
    const subjects = await this.loadSubjects([...new Set(pairs.flat())]);
    const found: DuplicatePair[] = [];
    for (const [a, b] of pairs) {
      const x = subjects.get(a);
      const y = subjects.get(b);
      const pair = x && y ? compareContacts(x.subject, y.subject) : null;
      if (pair) found.push(pair);
    }
    await this.store(
      workspaceId,
      found.filter((p) => !p.exactIdentity),
      detectedBy,
    );
    let autoMerged = 0;
    for (const pair of found.filter((p) => p.exactIdentity)) {
      const x = subjects.get(pair.aId);
      const y = subjects.get(pair.bId);
      if (!x || !y) continue;
      // The contact that holds the identity now is kept; the other one gave it up.
      const shared = pair.reasons.find((r) => r.kind === 'same_whatsapp_identity');
      const value = shared?.kind === 'same_whatsapp_identity' ? shared.value : null;
      const xHolds = x.subject.waId === value || x.subject.bsuid === value;
      const [kept, merged] = xHolds ? [x, y] : [y, x];
      try {
        await this.merges.merge({ workspaceId, keptId: kept.subject.id, mergedId: merged.subject.id, actorUserId: null, automatic: true });
        autoMerged += 1;
      } catch (error) {
        this.logger.warn(
          `Could not merge ${merged.subject.id} into ${kept.subject.id}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return { found: found.length, autoMerged, compared: subjects.size };
  }

  /**
   * Pairs that bought the same SKU within 90 days and whose names are at least
   * 80% alike: per SKU, purchases in time order, each compared with the later
   * ones inside the window (names whose lengths alone rule out 80% skipped,
   * then the Levenshtein similarity itself).
   */
  private async sameSkuSimilarNames(workspaceId: string, only: string[] | null): Promise<[string, string][]> {
    const purchases = await sqlRows(
      this.dataSource,
      purchaseRow,
      `SELECT o.contact_id, item ->> 'sku' AS sku, o.placed_at AS at, ${NAME_SQL} AS name
         FROM orders o CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(o.items) = 'array' THEN o.items ELSE '[]' END) AS item
         JOIN contacts c ON c.id = o.contact_id AND c.merged_into_id IS NULL
        WHERE o.workspace_id = $1 AND jsonb_typeof(item) = 'object' AND item ? 'sku'
          AND ($2::uuid[] IS NULL OR item ->> 'sku' IN (
                SELECT i ->> 'sku' FROM orders oo CROSS JOIN LATERAL jsonb_array_elements(oo.items) AS i
                 WHERE oo.contact_id = ANY($2::uuid[]) AND jsonb_typeof(oo.items) = 'array'))
        ORDER BY sku, o.placed_at`,
      [workspaceId, only],
    );
    return this.similarNamePairs(purchases);
  }

  /** Over purchases ordered by SKU then time: pairs inside the window whose names meet the rule's threshold. */
  private similarNamePairs(purchases: readonly z.infer<typeof purchaseRow>[]): [string, string][] {
    const out: [string, string][] = [];
    const names = purchases.map((p) => normalizeName(p.name));
    for (let i = 0; i < purchases.length; i += 1) {
      const p = purchases[i];
      const name = names[i] ?? '';
      if (!p || name === '') continue;
      for (let j = i + 1; j < purchases.length; j += 1) {
        const q = purchases[j];
        if (!q || q.sku !== p.sku || q.at.getTime() - p.at.getTime() > WINDOW_MS) break;
        const other = names[j] ?? '';
        if (q.contact_id === p.contact_id || other === '') continue;
        const longer = Math.max(name.length, other.length);
        if (Math.abs(name.length - other.length) > longer * (1 - NAME_SIMILARITY_THRESHOLD)) continue;
        // The rule's own measure on the names already normalized: only pairs that meet it are kept, so a
        // million contacts do not become millions of pairs held, loaded and compared again for nothing.
        // compareContacts decides the pair as before (same similarity, same threshold).
        if (1 - distance(name, other) / longer < NAME_SIMILARITY_THRESHOLD) continue;
        out.push([p.contact_id, q.contact_id]);
      }
    }
    return out;
  }

  private async loadSubjects(ids: string[]): Promise<Map<string, { subject: DuplicateSubject; createdAt: Date }>> {
    const out = new Map<string, { subject: DuplicateSubject; createdAt: Date }>();
    for (let i = 0; i < ids.length; i += LOAD_BATCH) {
      const rows = await sqlRows(
        this.dataSource,
        subjectRow,
        `SELECT c.id, c.phone_e164, c.email, ${NAME_SQL} AS name, c.wa_id, c.bsuid, c.created_at,
                coalesce((SELECT array_agg(h.value) FROM contact_identity_history h WHERE h.contact_id = c.id), '{}') AS former,
                coalesce((SELECT jsonb_agg(jsonb_build_object('sku', item ->> 'sku', 'at', o.placed_at))
                            FROM orders o CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(o.items) = 'array' THEN o.items ELSE '[]' END) AS item
                           WHERE o.contact_id = c.id AND jsonb_typeof(item) = 'object' AND item ? 'sku'), '[]') AS purchases
           FROM contacts c WHERE c.id = ANY($1::uuid[])`,
        [ids.slice(i, i + LOAD_BATCH)],
      );
      for (const row of rows) {
        out.set(row.id, {
          createdAt: row.created_at,
          subject: {
            id: row.id,
            phoneE164: row.phone_e164,
            email: row.email,
            name: row.name,
            waId: row.wa_id,
            bsuid: row.bsuid,
            formerIdentities: row.former,
            purchases: row.purchases.map((p) => ({ sku: p.sku, at: new Date(p.at) })),
          },
        });
      }
    }
    return out;
  }

  /** New pairs open; a pair already open gets the latest reasons; a dismissed or merged pair is not reopened. */
  private async store(workspaceId: string, pairs: DuplicatePair[], detectedBy: string): Promise<void> {
    for (let i = 0; i < pairs.length; i += LOAD_BATCH) {
      const batch = pairs.slice(i, i + LOAD_BATCH);
      await this.dataSource.query(
        `INSERT INTO duplicate_candidates (workspace_id, contact_a_id, contact_b_id, reasons, score, detected_by)
         SELECT $1, a, b, r, s, $6 FROM unnest($2::uuid[], $3::uuid[], $4::jsonb[], $5::numeric[]) AS t(a, b, r, s)
         ON CONFLICT (workspace_id, contact_a_id, contact_b_id)
         DO UPDATE SET reasons = excluded.reasons, score = excluded.score WHERE duplicate_candidates.status = 'open'`,
        [
          workspaceId,
          batch.map((p) => p.aId),
          batch.map((p) => p.bId),
          batch.map((p) => JSON.stringify(p.reasons)),
          batch.map((p) => p.score),
          detectedBy,
        ],
      );
    }
  }
}
