import { ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole, Roles } from '../auth/roles.decorator';
import { Clock } from '../common/clock';
import { ErrorResponses, NoContentResponse, ZodBody, ZodParam, ZodResponse } from '../common/api-contract';
import { idParam } from '../common/route-params';
import { sqlRow, sqlRows } from '../database/sql-rows';

const shortcut = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'letters, digits, "-" and "_", at most 40, e.g. "shipping"');
const text = z.string().trim().min(1).max(4096).meta({
  description:
    'May use {{contact.first_name}}, {{contact.last_name}}, {{contact.name}} and {{agent.name}}, with a fallback: {{ contact.first_name | "there" }}',
});
const createSchema = z.object({ shortcut, text }).strict();
const updateSchema = z
  .object({ shortcut: shortcut.optional(), text: text.optional() })
  .strict()
  .refine((v) => v.shortcut !== undefined || v.text !== undefined, 'nothing to change');

const cannedView = z.object({ id: z.uuid(), shortcut: z.string(), text: z.string(), updatedAt: z.iso.datetime({ offset: true }) });
const cannedRow = z.object({ id: z.string(), shortcut: z.string(), text: z.string(), updated_at: z.date() });

function view(row: z.infer<typeof cannedRow>) {
  return { id: row.id, shortcut: row.shortcut, text: row.text, updatedAt: row.updated_at.toISOString() };
}

/** Canned replies: a shortcut the composer completes ("/shipping") into a text with the contact's details. */
@ApiTags('conversations')
@Controller('api/canned-replies')
export class CannedRepliesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  @Get()
  @AnyRole()
  @ApiOperation({ summary: 'The workspace’s canned replies, by shortcut' })
  @ZodResponse(z.object({ data: z.array(cannedView) }))
  async list(@CurrentPrincipal() principal: Principal) {
    const rows = await sqlRows(
      this.dataSource,
      cannedRow,
      'SELECT id, shortcut, text, updated_at FROM canned_replies WHERE workspace_id = $1 ORDER BY shortcut',
      [principal.workspaceId],
    );
    return { data: rows.map(view) };
  }

  @Post()
  @Roles('admin', 'support')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a canned reply' })
  @ZodResponse(cannedView, { status: 201, description: 'Added' })
  @ErrorResponses({ 409: 'The shortcut is taken' })
  async create(@CurrentPrincipal() principal: Principal, @ZodBody(createSchema) body: z.infer<typeof createSchema>) {
    const row = await sqlRow(
      this.dataSource,
      cannedRow,
      `INSERT INTO canned_replies (workspace_id, shortcut, text, created_by_user_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (workspace_id, shortcut) DO NOTHING RETURNING id, shortcut, text, updated_at`,
      [principal.workspaceId, body.shortcut, body.text, principal.userId, this.clock.now()],
    );
    if (!row) throw new ConflictException({ message: `The shortcut "${body.shortcut}" is taken.`, code: 'shortcut_taken' });
    return view(row);
  }

  @Patch(':id')
  @Roles('admin', 'support')
  @ApiOperation({ summary: 'Change a canned reply’s shortcut or text' })
  @ZodResponse(cannedView)
  @ErrorResponses({ 409: 'The shortcut is taken' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodBody(updateSchema) body: z.infer<typeof updateSchema>,
  ) {
    const existing = await sqlRow(
      this.dataSource,
      cannedRow,
      'SELECT id, shortcut, text, updated_at FROM canned_replies WHERE id = $1 AND workspace_id = $2',
      [id, principal.workspaceId],
    );
    if (!existing) throw new NotFoundException('No such canned reply.');
    if (body.shortcut !== undefined && body.shortcut !== existing.shortcut) {
      const taken = await sqlRow(
        this.dataSource,
        z.object({ id: z.string() }),
        'SELECT id FROM canned_replies WHERE workspace_id = $1 AND shortcut = $2',
        [principal.workspaceId, body.shortcut],
      );
      if (taken) throw new ConflictException({ message: `The shortcut "${body.shortcut}" is taken.`, code: 'shortcut_taken' });
    }
    const row = await sqlRow(
      this.dataSource,
      cannedRow,
      `UPDATE canned_replies SET shortcut = $3, text = $4, updated_at = $5 WHERE id = $1 AND workspace_id = $2 RETURNING id, shortcut, text, updated_at`,
      [id, principal.workspaceId, body.shortcut ?? existing.shortcut, body.text ?? existing.text, this.clock.now()],
    );
    if (!row) throw new NotFoundException('No such canned reply.');
    return view(row);
  }

  @Delete(':id')
  @Roles('admin', 'support')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a canned reply' })
  @NoContentResponse('Removed')
  async remove(@CurrentPrincipal() principal: Principal, @ZodParam('id', idParam) id: string): Promise<void> {
    const row = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      'DELETE FROM canned_replies WHERE id = $1 AND workspace_id = $2 RETURNING id',
      [id, principal.workspaceId],
    );
    if (!row) throw new NotFoundException('No such canned reply.');
  }
}
