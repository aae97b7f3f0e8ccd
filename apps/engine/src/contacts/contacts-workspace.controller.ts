import { BadRequestException, Controller, Get, HttpCode, NotFoundException, Post, Res, UnprocessableEntityException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { ErrorResponses, NonJsonResponse, ZodBody, ZodParam, ZodQuery, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { sqlRows } from '../database/sql-rows';
import { Dispatcher } from '../dispatch/dispatcher';
import { ContactActionsService } from './contact-actions.service';
import { contactFilterSchema, decodeCursor } from './contact-list-query';
import { ContactListService } from './contact-list.service';
import { contactProfileSchema, ContactProfileService, timelineEntrySchema } from './contact-profile.service';
import { CsvFormatError, importTargetSchema } from './import/contact-csv';
import { ContactImportService } from './import/contact-import.service';

/** Bulk actions touch at most this many contacts at once (a filter matching more must be narrowed). */
const BULK_LIMIT = 10_000;
const EXPORT_PAGE = 2000;

const bulkSchema = z
  .object({
    ids: z.array(z.uuid()).min(1).max(1000).optional().meta({ description: 'The contacts picked in the list' }),
    filter: contactFilterSchema.optional().meta({ description: 'Every contact the list filter matches (up to 10,000)' }),
    action: z.discriminatedUnion('type', [
      z.object({ type: z.literal('addTag'), tag: z.string().trim().min(1).max(100) }),
      z.object({ type: z.literal('moveToList'), list: z.string().trim().min(1).max(100).nullable() }),
    ]),
  })
  .refine((b) => (b.ids === undefined) !== (b.filter === undefined), 'give ids or filter, not both');

const importSchema = z.object({
  csv: z.string().min(1).max(5_000_000).meta({ description: 'The CSV text, header row first (up to 5 MB)' }),
  mapping: z.record(z.string().max(200), importTargetSchema).meta({ description: 'CSV column header -> where it goes' }),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('IT')
    .meta({ description: 'How numbers without + are read' }),
  dryRun: z.boolean().default(true),
});

const importReportSchema = z.object({
  dryRun: z.boolean(),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.array(z.object({ row: z.number().int(), reason: z.string() })),
  possibleDuplicates: z.array(z.object({ row: z.number().int(), contactId: z.string(), reason: z.string() })),
});

const timelineQuery = z.object({
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const exportQuery = contactFilterSchema;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // A cell starting with = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

@ApiTags('contacts')
@Controller('api')
export class ContactsWorkspaceController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly profiles: ContactProfileService,
    private readonly list: ContactListService,
    private readonly imports: ContactImportService,
    private readonly actions: ContactActionsService,
    private readonly audit: AuditService,
    private readonly dispatcher: Dispatcher,
  ) {}

  @Get('contacts/:id/profile')
  @AnyRole()
  @ApiOperation({
    summary: 'The contact page: identity (numbers, WhatsApp ids, BSUID, CRM ids), conversations, orders, opportunities, open tasks, merges',
  })
  @ZodResponse(contactProfileSchema)
  profile(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    return this.profiles.profile(principal.workspaceId, id);
  }

  @Get('contacts/:id/timeline')
  @AnyRole()
  @ApiOperation({
    summary:
      'Everything that happened to the contact, newest first (messages, events, orders, opportunities, tasks, flows, pauses, merges)',
  })
  @ZodResponse(z.object({ data: z.array(timelineEntrySchema) }))
  async timeline(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodQuery(timelineQuery) query: z.infer<typeof timelineQuery>,
  ) {
    await this.profiles.profile(principal.workspaceId, id);
    return { data: await this.profiles.timeline(principal.workspaceId, id, query.before ? new Date(query.before) : null, query.limit) };
  }

  @Post('contacts/bulk')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Tag the picked contacts (or every one the filter matches), or move them to a list' })
  @ZodResponse(z.object({ contacts: z.number().int(), changed: z.number().int() }))
  @ErrorResponses({ 422: 'The filter matches more than 10,000 contacts' })
  async bulk(@CurrentPrincipal() principal: Principal, @ZodBody(bulkSchema) body: z.infer<typeof bulkSchema>) {
    let ids: string[];
    if (body.ids) {
      ids = (
        await sqlRows(
          this.dataSource,
          z.object({ id: z.string() }),
          'SELECT id FROM contacts WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND merged_into_id IS NULL',
          [principal.workspaceId, body.ids],
        )
      ).map((r) => r.id);
      if (ids.length !== new Set(body.ids).size) throw new NotFoundException('ids: some contacts are not in this workspace.');
    } else {
      ids = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<ContactListService['page']>> = await this.list.page(
          principal.workspaceId,
          body.filter ?? contactFilterSchema.parse({}),
          cursor ? decodeCursor(cursor) : null,
          200,
        );
        ids.push(...page.data.map((c) => c.id));
        if (ids.length > BULK_LIMIT) throw new UnprocessableEntityException('filter: matches more than 10,000 contacts; narrow it.');
        cursor = page.nextCursor;
      } while (cursor);
    }
    let changed = 0;
    await this.dataSource.transaction(async (manager) => {
      for (const contactId of ids) {
        const scope = { workspaceId: principal.workspaceId, contactId, source: `user:${principal.userId}` };
        if (body.action.type === 'addTag') {
          if ((await this.actions.addTags(scope, [body.action.tag], manager)).length > 0) changed += 1;
        } else {
          const result = await manager.query(
            'UPDATE contacts SET list = $2, updated_at = now() WHERE id = $1 AND list IS DISTINCT FROM $2 RETURNING id',
            [contactId, body.action.list],
          );
          if (Array.isArray(result) && Array.isArray(result[0]) && result[0].length > 0) changed += 1;
        }
      }
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'contacts.bulk_updated',
          subjectType: 'contact',
          subjectId: null,
          details: { action: body.action, contacts: ids.length, changed, filter: body.filter ?? null },
        },
        manager,
      );
    });
    if (body.action.type === 'addTag') await this.dispatcher.dispatch(ids.map((id) => ({ kind: 'contact' as const, id })));
    return { contacts: ids.length, changed };
  }

  @Get('contact-export')
  @Roles('admin', 'marketer')
  @ApiOperation({ summary: 'The contacts the filter matches, as CSV (every page)' })
  @NonJsonResponse('text/csv', 'One row per contact: id, names, number, email, list, tags, consent, lead source, fields')
  async export(
    @CurrentPrincipal() principal: Principal,
    @ZodQuery(exportQuery) query: z.infer<typeof exportQuery>,
    @Res() response: Response,
  ): Promise<void> {
    response.status(200);
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', 'attachment; filename="contacts.csv"');
    response.write(
      [
        'id',
        'first_name',
        'last_name',
        'display_name',
        'phone_e164',
        'email',
        'list',
        'tags',
        'marketing_consent',
        'lead_source',
        'crm',
        'fields',
      ]
        .map(csvCell)
        .join(',') + '\n',
    );
    let cursor: string | null = null;
    let rows = 0;
    do {
      const page: Awaited<ReturnType<ContactListService['page']>> = await this.list.page(
        principal.workspaceId,
        query,
        cursor ? decodeCursor(cursor) : null,
        EXPORT_PAGE,
      );
      response.write(
        page.data
          .map((c) =>
            [
              c.id,
              c.firstName,
              c.lastName,
              c.displayName,
              c.phoneE164,
              c.email,
              c.list,
              c.tags.join(';'),
              c.consent.marketing,
              c.leadSource,
              c.crmSystems.join(';'),
              c.fields,
            ]
              .map(csvCell)
              .join(','),
          )
          .map((line) => `${line}\n`)
          .join(''),
      );
      rows += page.data.length;
      cursor = page.nextCursor;
    } while (cursor);
    await this.audit.record({
      workspaceId: principal.workspaceId,
      actorUserId: principal.userId,
      action: 'contacts.exported',
      subjectType: 'contact',
      subjectId: null,
      details: { rows, filter: query },
    });
    response.end();
  }

  @Post('contact-import')
  @Roles('admin', 'marketer')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Import contacts from a CSV with a column mapping; numbers to E.164 in the default country. dryRun (the default) reports what would happen and changes nothing',
  })
  @ZodResponse(importReportSchema)
  @ErrorResponses({ 422: 'The CSV cannot be read (the message says where)' })
  async import(@CurrentPrincipal() principal: Principal, @ZodBody(importSchema) body: z.infer<typeof importSchema>) {
    if (body.csv.includes('\u0000')) throw new BadRequestException('csv: contains a NUL character');
    try {
      return await this.imports.run({ workspaceId: principal.workspaceId, userId: principal.userId, ...body });
    } catch (error) {
      if (error instanceof CsvFormatError) throw new UnprocessableEntityException(`csv: ${error.message}`);
      throw error;
    }
  }
}
