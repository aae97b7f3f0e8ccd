import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock';
import { sqlRow } from '../../database/sql-rows';
import { ConsentService } from '../consent.service';
import { ContactActionsService } from '../contact-actions.service';
import { ContactResolverService } from '../contact-resolver.service';
import { DuplicateScanService } from '../duplicates/duplicate-scan.service';
import { type ImportTarget, mapRecord, readCsv } from './contact-csv';

export interface ImportRequest {
  workspaceId: string;
  userId: string;
  csv: string;
  mapping: Readonly<Record<string, ImportTarget>>;
  defaultCountry: string;
  dryRun: boolean;
}

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: { row: number; reason: string }[];
  /** Rows that look like a contact already there under another number (same email): candidates for review. */
  possibleDuplicates: { row: number; contactId: string; reason: string }[];
}

const existingRow = z.object({
  id: z.string(),
  phone_e164: z.string().nullable(),
  email: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  list: z.string().nullable(),
});

class DryRunRollback extends Error {}

/**
 * Imports contacts from a CSV. A dry run does the whole import in a
 * transaction and rolls it back, so its report (created, updated, skipped
 * with the reason) is exactly what the real import will do. A row finds its
 * contact by number (then email, as every contact lookup does); a new row
 * whose email already belongs to a contact with another number is reported as
 * a possible duplicate, and after a real import the new contacts go through
 * the duplicate check.
 */
@Injectable()
export class ContactImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly resolver: ContactResolverService,
    private readonly actions: ContactActionsService,
    private readonly consent: ConsentService,
    private readonly duplicates: DuplicateScanService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async run(request: ImportRequest): Promise<ImportReport> {
    const { header, records } = readCsv(request.csv);
    const report: ImportReport = {
      dryRun: request.dryRun,
      rows: records.length,
      created: 0,
      updated: 0,
      unchanged: 0,
      skipped: [],
      possibleDuplicates: [],
    };
    const createdIds: string[] = [];
    try {
      await this.dataSource.transaction(async (manager) => {
        const seen = new Map<string, number>();
        for (let i = 0; i < records.length; i += 1) {
          const mapped = mapRecord(records[i] ?? [], header, request.mapping, request.defaultCountry, i + 2);
          if (!mapped.ok) {
            report.skipped.push({ row: mapped.row, reason: mapped.reason });
            continue;
          }
          const key = mapped.phone ?? mapped.email ?? '';
          const earlier = seen.get(key);
          if (earlier !== undefined) {
            report.skipped.push({ row: mapped.row, reason: `same ${mapped.phone ? 'number' : 'email'} as row ${earlier}` });
            continue;
          }
          seen.set(key, mapped.row);
          const byEmail =
            mapped.email && mapped.phone
              ? await sqlRow(
                  manager,
                  existingRow,
                  `SELECT id, phone_e164, email, first_name, last_name, list FROM contacts
                    WHERE workspace_id = $1 AND lower(email) = $2 AND merged_into_id IS NULL AND phone_e164 IS DISTINCT FROM $3 LIMIT 1`,
                  [request.workspaceId, mapped.email, mapped.phone],
                )
              : undefined;
          const resolved = await this.resolver.resolve(
            request.workspaceId,
            { phone: mapped.phone, email: mapped.phone ? null : mapped.email, defaultCountry: request.defaultCountry },
            'import',
            manager,
          );
          if (byEmail && resolved.contactId !== byEmail.id) {
            report.possibleDuplicates.push({
              row: mapped.row,
              contactId: byEmail.id,
              reason: `same email as a contact with number ${byEmail.phone_e164 ?? 'none'}`,
            });
          }
          const changed = await this.apply(manager, request, resolved.contactId, mapped);
          if (resolved.created) {
            report.created += 1;
            createdIds.push(resolved.contactId);
          } else if (changed) report.updated += 1;
          else report.unchanged += 1;
        }
        await this.audit.record(
          {
            workspaceId: request.workspaceId,
            actorUserId: request.userId,
            action: 'contacts.imported',
            subjectType: 'contact',
            subjectId: null,
            details: { rows: report.rows, created: report.created, updated: report.updated, skipped: report.skipped.length },
          },
          manager,
        );
        if (request.dryRun) throw new DryRunRollback();
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    if (!request.dryRun && createdIds.length > 0) {
      await this.duplicates.scan(request.workspaceId, { onlyContactIds: createdIds, detectedBy: 'import' });
    }
    return report;
  }

  /** Writes the row's values onto the contact; says whether anything changed. */
  private async apply(
    manager: EntityManager,
    request: ImportRequest,
    contactId: string,
    row: Extract<ReturnType<typeof mapRecord>, { ok: true }>,
  ): Promise<boolean> {
    const before = await sqlRow(
      manager,
      existingRow,
      'SELECT id, phone_e164, email, first_name, last_name, list FROM contacts WHERE id = $1',
      [contactId],
    );
    let changed = false;
    const updates: ['first_name' | 'last_name' | 'email' | 'list', string | null][] = [
      ['first_name', row.firstName],
      ['last_name', row.lastName],
      ['email', row.email],
      ['list', row.list],
    ];
    for (const [column, value] of updates) {
      const current = before ? before[column] : null;
      if (value === null || value === current) continue;
      await manager.query(`UPDATE contacts SET ${column} = $2, updated_at = $3 WHERE id = $1`, [contactId, value, this.clock.now()]);
      changed = true;
    }
    if (row.firstName !== null || row.lastName !== null) {
      await manager.query(
        `UPDATE contacts SET display_name = nullif(trim(concat_ws(' ', first_name, last_name)), '') WHERE id = $1 AND display_name IS NULL`,
        [contactId],
      );
    }
    const scope = { workspaceId: request.workspaceId, contactId, source: `import:${request.userId}` };
    for (const [field, value] of Object.entries(row.fields)) {
      if ((await this.actions.setField(scope, field, value, manager)).changed) changed = true;
    }
    if (row.tags.length > 0 && (await this.actions.addTags(scope, row.tags, manager)).length > 0) changed = true;
    if (row.marketingConsent) {
      const consentChanged = await this.consent.record(
        { workspaceId: request.workspaceId, contactId, kind: 'marketing', value: row.marketingConsent, source: `import:${request.userId}` },
        manager,
      );
      if (consentChanged) changed = true;
    }
    return changed;
  }
}
