import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { type AuditFilter, auditConditions } from './audit-filter';
import { describeFlowChange, parseDiffableFlow } from './flow-version-diff';

const entryRow = z.object({
  id: z.string(),
  chain_seq: z.string(),
  actor_user_id: z.string().nullable(),
  actor_name: z.string().nullable(),
  actor_email: z.string().nullable(),
  action: z.string(),
  subject_type: z.string(),
  subject_id: z.string().nullable(),
  subject_label: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  hash: z.string(),
  created_at: z.date(),
});

const apiKeyActor = z.object({ id: z.string(), name: z.string(), prefix: z.string().nullable() });

/** One audit entry as the API shows it: the actor and the subject by name, not only by id. */
export interface AuditEntryView {
  id: string;
  chainSeq: number;
  actor: { id: string; name: string | null; email: string | null } | null;
  /** The API key a change was made with (then `actor` is null). */
  actorApiKey: { id: string; name: string; prefix: string | null } | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  subjectLabel: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  hash: string;
  createdAt: string;
  /** For a publish or rollback: what changed from the version live before, in sentences (null for other entries). */
  versionDiff: { fromVersion: number | null; toVersion: number; sentences: string[] } | null;
}

export interface ChainVerification {
  intact: boolean;
  entries: number;
  /** The newest entry's hash: note it somewhere else to prove later that nothing before it was rewritten. */
  headHash: string | null;
  firstBroken: { id: string; chainSeq: number; reason: string } | null;
}

const brokenRow = z.object({ id: z.string(), chain_seq: z.string(), reason: z.string() });
const summaryRow = z.object({ entries: z.number(), head_hash: z.string().nullable() });

function viewEntry(row: z.infer<typeof entryRow>): AuditEntryView {
  return {
    id: row.id,
    chainSeq: Number(row.chain_seq),
    actor: row.actor_user_id ? { id: row.actor_user_id, name: row.actor_name, email: row.actor_email } : null,
    actorApiKey: apiKeyActor.safeParse(row.details['actorApiKey']).data ?? null,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    subjectLabel: row.subject_label,
    details: row.details,
    ip: row.ip,
    userAgent: row.user_agent,
    hash: row.hash,
    createdAt: row.created_at.toISOString(),
    versionDiff: null,
  };
}

const versionPairRow = z.object({
  id: z.string(),
  version: z.number(),
  definition: z.unknown(),
  previous_version: z.number().nullable(),
  previous_definition: z.unknown(),
});

/** The version a publish entry froze, when it names one. */
function publishedVersionId(entry: AuditEntryView): string | null {
  if (entry.action !== 'flow.published') return null;
  const id = entry.details['versionId'];
  return typeof id === 'string' ? id : null;
}

/** The version a rollback made live again, when it names one. */
function rolledBackVersionId(entry: AuditEntryView): string | null {
  if (entry.action !== 'flow.rolled_back') return null;
  const id = entry.details['versionId'];
  return typeof id === 'string' ? id : null;
}

const rollbackPairRow = z.object({
  entry_id: z.string(),
  version: z.number(),
  definition: z.unknown(),
  replaced_version: z.number().nullable(),
  replaced_definition: z.unknown(),
});

/** Reads the audit trail (the table belongs to AuditService, which alone writes it) and proves its chain. */
@Injectable()
export class AuditTrailService {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first; `before` is the last id of the previous page. */
  async page(workspaceId: string, filter: AuditFilter, limit: number, before?: string) {
    const { where, parameters } = auditConditions(workspaceId, filter);
    const conditions = before ? `${where} AND a.id < $${parameters.length + 1}` : where;
    const rows = await sqlRows(
      this.dataSource,
      entryRow,
      `SELECT a.id::text, a.chain_seq::text, a.actor_user_id, u.display_name AS actor_name, u.email AS actor_email,
              a.action, a.subject_type, a.subject_id, a.details, a.ip, a.user_agent, a.hash, a.created_at,
              CASE a.subject_type
                WHEN 'flow' THEN (SELECT f.name FROM flows f WHERE f.workspace_id = a.workspace_id AND f.id::text = a.subject_id)
                WHEN 'user' THEN (SELECT coalesce(nullif(s.display_name, ''), s.email) FROM users s WHERE s.workspace_id = a.workspace_id AND s.id::text = a.subject_id)
                WHEN 'api_key' THEN (SELECT k.name FROM api_keys k WHERE k.workspace_id = a.workspace_id AND k.id::text = a.subject_id)
                WHEN 'contact' THEN (SELECT coalesce(nullif(c.display_name, ''), c.phone_e164, c.wa_id) FROM contacts c
                                      WHERE c.workspace_id = a.workspace_id AND c.id::text = a.subject_id)
              END AS subject_label
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
        WHERE ${conditions}
        ORDER BY a.id DESC LIMIT ${limit + 1}`,
      before ? [...parameters, before] : parameters,
    );
    const page = await this.withVersionDiffs(workspaceId, rows.slice(0, limit).map(viewEntry));
    const last = page[page.length - 1];
    return { data: page, nextBefore: rows.length > limit && last ? last.id : null };
  }

  /**
   * Adds to each publish entry what changed from the version published before
   * it. Computed when read: published versions are immutable (the table
   * refuses updates), so the diff is as trustworthy as the entry naming them.
   */
  private async withVersionDiffs(workspaceId: string, entries: AuditEntryView[]): Promise<AuditEntryView[]> {
    const ids = [...new Set(entries.map(publishedVersionId).filter((id): id is string => id !== null))];
    const rollbacks = await this.rollbackDiffs(workspaceId, entries);
    if (ids.length === 0)
      return entries.map((entry) => (rollbacks.has(entry.id) ? { ...entry, versionDiff: rollbacks.get(entry.id) ?? null } : entry));
    const pairs = await sqlRows(
      this.dataSource,
      versionPairRow,
      `SELECT v.id::text, v.version, v.definition, p.version AS previous_version, p.definition AS previous_definition
         FROM flow_versions v
         LEFT JOIN LATERAL (SELECT version, definition FROM flow_versions
                             WHERE flow_id = v.flow_id AND kind = 'published' AND version < v.version
                             ORDER BY version DESC LIMIT 1) p ON true
        WHERE v.workspace_id = $1 AND v.id::text = ANY($2)`,
      [workspaceId, ids],
    );
    const diffs = new Map<string, NonNullable<AuditEntryView['versionDiff']>>();
    for (const pair of pairs) {
      const after = parseDiffableFlow(pair.definition);
      if (!after) continue;
      const before = pair.previous_version === null ? null : parseDiffableFlow(pair.previous_definition);
      if (pair.previous_version !== null && !before) continue;
      diffs.set(pair.id, { fromVersion: pair.previous_version, toVersion: pair.version, sentences: describeFlowChange(before, after) });
    }
    return entries.map((entry) => {
      const id = publishedVersionId(entry);
      if (id) return { ...entry, versionDiff: diffs.get(id) ?? null };
      return rollbacks.has(entry.id) ? { ...entry, versionDiff: rollbacks.get(entry.id) ?? null } : entry;
    });
  }

  /**
   * For rollback entries: what changed from the version that was live before
   * (the one the flow's previous publish or rollback entry names) to the
   * version made live again. Keyed by entry id.
   */
  private async rollbackDiffs(
    workspaceId: string,
    entries: AuditEntryView[],
  ): Promise<Map<string, NonNullable<AuditEntryView['versionDiff']>>> {
    const result = new Map<string, NonNullable<AuditEntryView['versionDiff']>>();
    const wanted = entries.filter((e) => rolledBackVersionId(e) !== null).map((e) => e.id);
    if (wanted.length === 0) return result;
    const rows = await sqlRows(
      this.dataSource,
      rollbackPairRow,
      `SELECT a.id::text AS entry_id, v.version, v.definition, r.version AS replaced_version, r.definition AS replaced_definition
         FROM audit_log a
         JOIN flow_versions v ON v.workspace_id = a.workspace_id AND v.id::text = a.details->>'versionId'
         LEFT JOIN LATERAL (
           SELECT p.details->>'versionId' AS version_id FROM audit_log p
            WHERE p.workspace_id = a.workspace_id AND p.subject_type = 'flow' AND p.subject_id = a.subject_id
              AND p.action IN ('flow.published', 'flow.rolled_back') AND p.id < a.id
            ORDER BY p.id DESC LIMIT 1) before ON true
         LEFT JOIN flow_versions r ON r.workspace_id = a.workspace_id AND r.id::text = before.version_id
        WHERE a.workspace_id = $1 AND a.id = ANY($2::bigint[])`,
      [workspaceId, wanted],
    );
    for (const row of rows) {
      const after = parseDiffableFlow(row.definition);
      const before = row.replaced_version === null ? null : parseDiffableFlow(row.replaced_definition);
      // Without the version it replaced (an entry from before the trail kept it), a "first version" diff would mislead.
      if (!after || !before || row.replaced_version === null) continue;
      result.set(row.entry_id, { fromVersion: row.replaced_version, toVersion: row.version, sentences: describeFlowChange(before, after) });
    }
    return result;
  }

  /** Every matching entry, newest first, a page at a time (the CSV export streams these). */
  async *all(workspaceId: string, filter: AuditFilter): AsyncGenerator<AuditEntryView> {
    let before: string | undefined;
    for (;;) {
      const { data, nextBefore } = await this.page(workspaceId, filter, 1000, before);
      yield* data;
      if (!nextBefore) return;
      before = nextBefore;
    }
  }

  /**
   * Recomputes every entry's hash from its stored fields and checks each link
   * (the entry's previous hash is the hash of the entry before it, with no gap
   * in the sequence). The first entry that fails is the first one changed,
   * inserted or removed behind the application's back.
   */
  async verify(workspaceId: string): Promise<ChainVerification> {
    const [summary, broken] = await Promise.all([
      sqlRow(
        this.dataSource,
        summaryRow,
        `SELECT count(*)::int AS entries,
                (SELECT hash FROM audit_log WHERE workspace_id = $1 ORDER BY chain_seq DESC LIMIT 1) AS head_hash
           FROM audit_log WHERE workspace_id = $1`,
        [workspaceId],
      ),
      sqlRow(
        this.dataSource,
        brokenRow,
        `SELECT id::text, chain_seq::text,
                CASE
                  WHEN chain_seq <> coalesce(previous_seq, 0) + 1 THEN 'entries are missing before this one'
                  WHEN prev_hash IS DISTINCT FROM previous_hash THEN 'it does not link to the entry before it'
                  ELSE 'its content does not match its hash (it was changed)'
                END AS reason
           FROM (SELECT a.*,
                        lag(a.hash) OVER (ORDER BY a.chain_seq) AS previous_hash,
                        lag(a.chain_seq) OVER (ORDER BY a.chain_seq) AS previous_seq
                   FROM audit_log a WHERE a.workspace_id = $1) chain
          WHERE chain_seq <> coalesce(previous_seq, 0) + 1
             OR prev_hash IS DISTINCT FROM previous_hash
             OR hash IS DISTINCT FROM parley_audit_hash(prev_hash, id, workspace_id, chain_seq, actor_user_id, action,
                                                        subject_type, subject_id, details, created_at, ip, user_agent)
          ORDER BY chain_seq LIMIT 1`,
        [workspaceId],
      ),
    ]);
    return {
      intact: broken === undefined,
      entries: summary?.entries ?? 0,
      headHash: summary?.head_hash ?? null,
      firstBroken: broken ? { id: broken.id, chainSeq: Number(broken.chain_seq), reason: broken.reason } : null,
    };
  }
}
