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
/**
 * Purchases read per step of the same-SKU stage (whole blocks of one SKU and one blocking key). A block larger than
 * this alone is read up to this many purchases (its earliest) and reported as capped: memory per step stays bounded
 * whatever one SKU sells.
 */
const SKU_STEP_ROWS = 20_000;
/**
 * Later purchases of the same block, inside the 90 days, that one purchase is compared with at most. A block where
 * this cuts comparisons short is reported as capped; it bounds the stage's work to rows x this, whatever the data.
 */
const MAX_COMPARISONS_PER_PURCHASE = 200;
/** Capped blocks kept as examples in a step's outcome (their total is counted apart). */
const CAPPED_EXAMPLES = 20;
/** Pairs decided per round trip (their subjects loaded together). */
const PAIR_BLOCK = 10_000;

/** The stages of the whole-workspace scan, in order: the background job works them one step at a time. */
export const SCAN_STAGES = ['phone', 'email', 'identity', 'sku'] as const;
export type ScanStage = (typeof SCAN_STAGES)[number];

/** A block of the same-SKU stage where the bound cut comparisons short: some pairs in it may have been missed. */
export interface CappedBlock {
  sku: string;
  /** The blocking key (`h:` first name's first two letters and the surname's first; `t:` the name's last three). */
  key: string;
  /** Purchases of the block read (a block larger than a step is read up to SKU_STEP_ROWS). */
  purchases: number;
  /** Whether purchases of the block past SKU_STEP_ROWS were not read at all. */
  truncated: boolean;
}

export interface ScanStepOutcome {
  /** The keyset position to continue the stage from; null when the stage is finished. */
  after: string | null;
  pairsFound: number;
  autoMerged: number;
  contactsCompared: number;
  /** Same-SKU blocks capped in this step (count), and the first few of them. */
  cappedBlocks: number;
  cappedExamples: CappedBlock[];
}

/** One purchase as the same-SKU stage reads it: with both blocking keys of the buyer's name. */
const blockedPurchaseRow = purchaseRow.extend({ pass: z.enum(['h', 't']), block_key: z.string(), head_key: z.string() });
type BlockedPurchase = z.infer<typeof blockedPurchaseRow>;
const skuAfter = z.object({ sku: z.string(), key: z.string() });

/**
 * The same-SKU stage's blocking keys, on the lower-case name: "h" the first name's first two letters and the
 * surname's first letter, "t" the name's last three letters. Names 80% alike almost always share one of them (a typo
 * would have to touch both ends of the name to escape both); each purchase is in one block of each pass.
 */
const HEAD_KEY_SQL = `left(split_part(lower(n.name), ' ', 1), 2) || left(reverse(split_part(reverse(lower(n.name)), ' ', 1)), 1)`;
const TAIL_KEY_SQL = `right(lower(n.name), 3)`;

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

/**
 * The rule's own measure on names already normalized, with the lengths alone ruling most pairs out first: only pairs
 * that meet it are kept, so a million contacts do not become millions of pairs held, loaded and compared again for
 * nothing (compareContacts decides each kept pair with the same similarity and threshold).
 */
function similarEnough(name: string, other: string): boolean {
  const longer = Math.max(name.length, other.length);
  if (Math.abs(name.length - other.length) > longer * (1 - NAME_SIMILARITY_THRESHOLD)) return false;
  return 1 - distance(name, other) / longer >= NAME_SIMILARITY_THRESHOLD;
}

/**
 * Over purchases ordered by SKU then time: pairs inside the window whose names meet the rule's threshold. With
 * `only` (the check on new contacts), only the purchases of those contacts are compared, with every purchase of
 * the same SKU on either side inside the window: the work is their purchases x the window, not a popular SKU's
 * whole history squared.
 */
function similarNamePairs(purchases: readonly z.infer<typeof purchaseRow>[], only: ReadonlySet<string> | null): [string, string][] {
  const out: [string, string][] = [];
  const names = purchases.map((p) => normalizeName(p.name));
  for (let i = 0; i < purchases.length; i += 1) {
    const p = purchases[i];
    const name = names[i] ?? '';
    if (!p || name === '' || (only !== null && !only.has(p.contact_id))) continue;
    for (const step of only === null ? [1] : [1, -1]) {
      for (let j = i + step; j >= 0 && j < purchases.length; j += step) {
        const q = purchases[j];
        if (!q || q.sku !== p.sku || Math.abs(q.at.getTime() - p.at.getTime()) > WINDOW_MS) break;
        const other = names[j] ?? '';
        if (q.contact_id === p.contact_id || other === '' || !similarEnough(name, other)) continue;
        out.push([p.contact_id, q.contact_id]);
      }
    }
  }
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
    // Looked up once per candidate pair: a set, not the array (a batch of new contacts is up to 2,000).
    const onlySet = only === null ? null : new Set(only);
    const pairs = new Map<string, [string, string]>();
    const addPair = (x: string, y: string) => {
      if (x === y) return;
      const [a, b] = x < y ? [x, y] : [y, x];
      if (onlySet && !onlySet.has(a) && !onlySet.has(b)) return;
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
    if (stage === 'sku') return this.skuStep(workspaceId, after, detectedBy);
    const pairs: [string, string][] = [];
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
    } else {
      for (const group of await sqlRows(this.dataSource, groupRow, IDENTITY_SQL, [workspaceId, null])) pairs.push(...pairsOf(group.ids));
    }
    const unique = new Map<string, [string, string]>();
    for (const [x, y] of pairs) {
      if (x === y) continue;
      const ordered: [string, string] = x < y ? [x, y] : [y, x];
      unique.set(ordered.join(':'), ordered);
    }
    const outcome = await this.decideAndStore(workspaceId, [...unique.values()], detectedBy);
    return {
      after: next,
      pairsFound: outcome.found,
      autoMerged: outcome.autoMerged,
      contactsCompared: outcome.compared,
      cappedBlocks: 0,
      cappedExamples: [],
    };
  }

  /**
   * One step of the same-SKU stage: the next whole blocks (one SKU, one blocking key) after `after`, at most
   * SKU_STEP_ROWS purchases, each purchase compared with the later ones of its block inside 90 days (at most
   * MAX_COMPARISONS_PER_PURCHASE of them). The pairs are decided and stored as they come, PAIR_BLOCK at a time, so
   * neither the purchases nor the pairs of a step grow with the data. A pair whose head keys are equal is left to the
   * head pass, so no pair is counted twice.
   */
  private async skuStep(workspaceId: string, afterText: string | null, detectedBy: string): Promise<ScanStepOutcome> {
    const after = afterText === null ? null : skuAfter.parse(JSON.parse(afterText));
    const rows = await sqlRows(
      this.dataSource,
      blockedPurchaseRow,
      `WITH n AS (
         SELECT o.contact_id, item ->> 'sku' AS sku, o.placed_at AS at, ${NAME_SQL} AS name
           FROM orders o CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(o.items) = 'array' THEN o.items ELSE '[]' END) AS item
           JOIN contacts c ON c.id = o.contact_id AND c.merged_into_id IS NULL
          WHERE o.workspace_id = $1 AND jsonb_typeof(item) = 'object' AND item ? 'sku'),
       k AS (SELECT n.*, 'h:' || ${HEAD_KEY_SQL} AS head_key, 't:' || ${TAIL_KEY_SQL} AS tail_key FROM n WHERE n.name IS NOT NULL AND n.name <> ''),
       b AS (SELECT contact_id, sku, at, name, 'h' AS pass, head_key AS block_key, head_key FROM k
             UNION ALL SELECT contact_id, sku, at, name, 't', tail_key, head_key FROM k)
       SELECT * FROM b WHERE $2::text IS NULL OR (sku, block_key) > ($2::text, $3::text)
        ORDER BY sku, block_key, at LIMIT ${SKU_STEP_ROWS}`,
      [workspaceId, after?.sku ?? null, after?.key ?? null],
    );
    const blocks: BlockedPurchase[][] = [];
    for (const row of rows) {
      const current = blocks[blocks.length - 1];
      const head = current?.[0];
      if (current && head && head.sku === row.sku && head.block_key === row.block_key) current.push(row);
      else blocks.push([row]);
    }
    let next: { sku: string; key: string } | null = null;
    let truncated = false;
    if (rows.length === SKU_STEP_ROWS) {
      // The last block may go on past the limit: it is left to the next step, unless it alone fills the step.
      if (blocks.length > 1) blocks.pop();
      else truncated = true;
      const last = blocks[blocks.length - 1]?.[0];
      next = last ? { sku: last.sku, key: last.block_key } : null;
    }
    let found = 0;
    let autoMerged = 0;
    let compared = 0;
    let cappedBlocks = 0;
    const cappedExamples: CappedBlock[] = [];
    let pending = new Map<string, [string, string]>();
    const flush = async () => {
      const outcome = await this.decideAndStore(workspaceId, [...pending.values()], detectedBy);
      found += outcome.found;
      autoMerged += outcome.autoMerged;
      compared += outcome.compared;
      pending = new Map();
    };
    for (const block of blocks) {
      const capped = this.blockPairs(block, (a, b) => {
        const ordered: [string, string] = a < b ? [a, b] : [b, a];
        pending.set(ordered.join(':'), ordered);
      });
      if (pending.size >= PAIR_BLOCK) await flush();
      const first = block[0];
      if ((capped || (truncated && blocks.length === 1)) && first) {
        cappedBlocks += 1;
        if (cappedExamples.length < CAPPED_EXAMPLES)
          cappedExamples.push({ sku: first.sku, key: first.block_key, purchases: block.length, truncated });
      }
    }
    if (pending.size > 0) await flush();
    if (cappedBlocks > 0) this.logger.warn(`Duplicate scan of ${workspaceId}: ${cappedBlocks} same-SKU blocks capped`);
    return {
      after: next === null ? null : JSON.stringify(next),
      pairsFound: found,
      autoMerged,
      contactsCompared: compared,
      cappedBlocks,
      cappedExamples,
    };
  }

  /**
   * The pairs of one block (purchases of one SKU with one blocking key, in time order) inside the window whose
   * names meet the rule's threshold. Answers whether the per-purchase bound cut comparisons short.
   */
  private blockPairs(block: readonly BlockedPurchase[], emit: (a: string, b: string) => void): boolean {
    let capped = false;
    const names = block.map((p) => normalizeName(p.name));
    for (let i = 0; i < block.length; i += 1) {
      const p = block[i];
      const name = names[i] ?? '';
      if (!p || name === '') continue;
      const end = Math.min(block.length, i + 1 + MAX_COMPARISONS_PER_PURCHASE);
      let j = i + 1;
      for (; j < end; j += 1) {
        const q = block[j];
        if (!q || q.at.getTime() - p.at.getTime() > WINDOW_MS) break;
        // In the tail pass, a pair with the same head key is the head pass's (compared there already).
        if (p.pass === 't' && q.head_key === p.head_key) continue;
        const other = names[j] ?? '';
        if (q.contact_id === p.contact_id || other === '' || !similarEnough(name, other)) continue;
        emit(p.contact_id, q.contact_id);
      }
      const beyond = block[j];
      if (j === end && beyond && beyond.at.getTime() - p.at.getTime() <= WINDOW_MS) capped = true;
    }
    return capped;
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
    return similarNamePairs(purchases, only === null ? null : new Set(only));
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
