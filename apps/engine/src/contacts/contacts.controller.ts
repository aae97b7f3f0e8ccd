import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource, ILike } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { AnyRole } from '../auth/roles.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { Contact } from './contact.entity';

const listQuery = z.object({
  search: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

function viewContact(contact: Contact) {
  return {
    id: contact.id,
    waId: contact.waId,
    phoneE164: contact.phoneE164,
    displayName: contact.displayName,
    firstName: contact.firstName,
    lastInboundAt: contact.lastInboundAt?.toISOString() ?? null,
    createdAt: contact.createdAt.toISOString(),
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@ApiTags('contacts')
@Controller('api/contacts')
@AnyRole()
export class ContactsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Contacts of the workspace, most recently active first' })
  async list(@CurrentPrincipal() principal: Principal, @Query(new ZodValidationPipe(listQuery)) query: z.infer<typeof listQuery>) {
    const term = query.search ? `%${escapeLike(query.search)}%` : undefined;
    const where = term
      ? [
          { workspaceId: principal.workspaceId, displayName: ILike(term) },
          { workspaceId: principal.workspaceId, phoneE164: ILike(term) },
        ]
      : { workspaceId: principal.workspaceId };
    const contacts = await this.dataSource.getRepository(Contact).find({
      where,
      order: { updatedAt: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return { data: contacts.map(viewContact) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One contact' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string) {
    const contact = await this.dataSource.getRepository(Contact).findOne({ where: { id, workspaceId: principal.workspaceId } });
    if (!contact) throw new NotFoundException('No such contact in this workspace.');
    return viewContact(contact);
  }
}
