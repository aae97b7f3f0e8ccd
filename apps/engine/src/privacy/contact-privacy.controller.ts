import { Controller, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ZodBody, ZodParam, ZodResponse } from '../common/api-contract';
import { Clock } from '../common/clock';
import { idParam } from '../common/route-params';
import { ContactDataExportService } from './contact-data-export.service';
import { ContactErasureService } from './contact-erasure.service';

const rowsView = z.array(z.record(z.string(), z.unknown()));
const exportView = z.object({
  exportedAt: z.iso.datetime(),
  contact: z.record(z.string(), z.unknown()),
  data: z.record(z.string(), rowsView).meta({ description: 'Every row about the contact, by table' }),
});
const erasureBody = z.object({
  /** Typed by the admin, so an erasure is never a stray click or a replayed request without intent. */
  confirm: z.literal('erase', { message: 'must be "erase"' }),
});
const erasureView = z.object({
  erasedAt: z.iso.datetime(),
  alreadyErased: z.boolean(),
  changed: z.record(z.string(), z.number().int()).meta({ description: 'Rows emptied (or removed) per table; rows and their counts stay' }),
});

/** GDPR: a contact's data on request (access) and its erasure (right to be forgotten). Admins only; both audited. */
@ApiTags('contacts')
@Controller('api/contacts')
export class ContactPrivacyController {
  constructor(
    private readonly exporter: ContactDataExportService,
    private readonly eraser: ContactErasureService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  @Get(':id/export')
  @Roles('admin')
  @ApiOperation({ summary: 'Everything Parley holds about a contact (GDPR access request), as JSON by table; audited' })
  @ZodResponse(exportView)
  async export(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string) {
    const exported = await this.exporter.export(principal.workspaceId, id, this.clock.now());
    if (!exported) throw new NotFoundException('No such contact in this workspace.');
    await this.audit.record({
      workspaceId: principal.workspaceId,
      actorUserId: principal.userId,
      action: 'contact.exported',
      subjectType: 'contact',
      subjectId: id,
      details: { tables: Object.fromEntries(Object.entries(exported.data).map(([table, rows]) => [table, rows.length])) },
    });
    return exported;
  }

  @Post(':id/erase')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Erase a contact’s personal data (right to be forgotten): messages, edits, events, executions and steps, sends, notes, media and raw webhooks are emptied, counts kept, active runs cancelled; audited. Body {"confirm":"erase"}',
  })
  @ZodResponse(erasureView)
  async erase(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(erasureBody) _body: z.infer<typeof erasureBody>,
  ) {
    const result = await this.eraser.erase(principal.workspaceId, id, principal.userId);
    if (!result) throw new NotFoundException('No such contact in this workspace.');
    return { erasedAt: result.erasedAt.toISOString(), alreadyErased: result.alreadyErased, changed: result.changed };
  }
}
