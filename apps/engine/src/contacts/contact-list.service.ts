import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { sqlRows } from '../database/sql-rows';
import {
  type ContactCursor,
  type ContactFilter,
  contactFilterSql,
  CURSOR_AFTER_SQL,
  CURSOR_AT_SQL,
  encodeCursor,
} from './contact-list-query';
import { contactViewSchema } from './contact-view';
import { runtimeContactRow } from './runtime-contact-row';

/** Up to this many matches of a search are collected and ordered in memory of the database rather than walked in order. */
const SPARSE_LIMIT = 2000;

/** A contact row as flows read it, plus what the list pages and shows. */
const listRow = runtimeContactRow.extend({
  updated_at: z.date(),
  cursor_at: z.string(),
  crm: z.array(z.string()),
});

export const contactListItemSchema = contactViewSchema.extend({
  leadSource: z.string().nullable(),
  crmSystems: z.array(z.string()).meta({ description: 'CRMs that know this contact' }),
  updatedAt: z.iso.datetime(),
});
export type ContactListItem = z.infer<typeof contactListItemSchema>;

/** Reads the contacts list a page at a time, newest change first. */
@Injectable()
export class ContactListService {
  constructor(private readonly dataSource: DataSource) {}

  async page(
    workspaceId: string,
    filter: ContactFilter,
    after: ContactCursor | null,
    limit: number,
  ): Promise<{ data: ContactListItem[]; nextCursor: string | null }> {
    const { where, params } = contactFilterSql(filter);
    const all: unknown[] = [workspaceId, ...params];
    let cursorClause = '';
    if (after) {
      all.push(after.at, after.id);
      cursorClause = `AND ${CURSOR_AFTER_SQL(`$${all.length - 1}`, `$${all.length}`)}`;
    }
    // A search usually matches few contacts, which the walk in updated_at order finds only after reading
    // nearly all of them (the planner guesses far more matches than a name or number prefix has: 11 s for one
    // match in 1.2 M contacts). So the matches are collected first, unordered through the search indexes, up
    // to SPARSE_LIMIT; when that is all of them they are ordered and paged exactly, else (a broad search,
    // with matches everywhere) the ordered walk finds a page quickly and is used as before.
    let only = '';
    if (filter.search?.trim()) {
      const ids = await sqlRows(
        this.dataSource,
        z.object({ id: z.string() }),
        `SELECT c.id FROM contacts c WHERE ${where} ${cursorClause} LIMIT ${SPARSE_LIMIT + 1}`,
        all,
      );
      if (ids.length <= SPARSE_LIMIT) {
        all.push(ids.map((row) => row.id));
        only = `AND c.id = ANY($${all.length}::uuid[])`;
      }
    } else if (filter.tag) {
      // A tag's rows carry their contact's updated_at (kept by triggers), in an index in the list's order: the page is
      // the first rows of the tag there, instead of a walk of every contact until enough carry it or a sort of them all.
      const walk = [...all, filter.tag, limit + 1];
      const tagCursor = after
        ? `AND (t.contact_updated_at, t.contact_id) < ('epoch'::timestamptz + $${all.length - 1}::bigint * interval '1 microsecond', $${all.length}::uuid)`
        : '';
      const ids = await sqlRows(
        this.dataSource,
        z.object({ id: z.string() }),
        `SELECT t.contact_id AS id FROM contact_tags t JOIN contacts c ON c.id = t.contact_id
          WHERE t.workspace_id = $1 AND t.tag = $${walk.length - 1} AND ${where} ${tagCursor}
          ORDER BY t.contact_updated_at DESC, t.contact_id DESC
          LIMIT $${walk.length}`,
        walk,
      );
      all.push(ids.map((row) => row.id));
      only = `AND c.id = ANY($${all.length}::uuid[])`;
    }
    all.push(limit + 1);
    const rows = await sqlRows(
      this.dataSource,
      listRow,
      `SELECT c.id, c.wa_id, c.phone_e164, c.display_name, c.first_name, c.last_name, c.email, c.time_zone, c.locale, c.list,
              c.fields, c.assigned_user_id, c.last_inbound_at, c.marketing_consent, c.transactional_consent, c.created_at, c.updated_at,
              ${CURSOR_AT_SQL} AS cursor_at,
              coalesce((SELECT array_agg(t.tag ORDER BY t.tag) FROM contact_tags t WHERE t.contact_id = c.id), '{}') AS tags,
              coalesce((SELECT array_agg(DISTINCT x.system) FROM contact_crm_ids x WHERE x.contact_id = c.id), '{}') AS crm
         FROM contacts c
        WHERE ${where} ${cursorClause} ${only}
        ORDER BY c.updated_at DESC, c.id DESC
        LIMIT $${all.length}`,
      all,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map((row) => ({
        id: row.id,
        waId: row.wa_id,
        phoneE164: row.phone_e164,
        displayName: row.display_name,
        firstName: row.first_name,
        lastName: row.last_name,
        email: row.email,
        timeZone: row.time_zone,
        locale: row.locale,
        list: row.list,
        tags: row.tags,
        fields: row.fields,
        assignedUserId: row.assigned_user_id,
        lastInboundAt: row.last_inbound_at?.toISOString() ?? null,
        consent: { marketing: row.marketing_consent, transactional: row.transactional_consent },
        createdAt: row.created_at.toISOString(),
        leadSource: typeof row.fields['lead_source'] === 'string' ? row.fields['lead_source'] : null,
        crmSystems: row.crm,
        updatedAt: row.updated_at.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
    };
  }
}
