import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UsersService } from '../users/users.service';
import { WhatsAppNumber } from '../whatsapp/whatsapp-number.entity';
import { type NewWhatsAppNumber, WhatsAppNumbersService } from '../whatsapp/whatsapp-numbers.service';
import { User } from '../users/user.entity';
import { Workspace } from './workspace.entity';

export interface AdminSetup {
  email?: string;
  password?: string;
}

export type AdminSetupResult =
  { created: true; email: string; password: string; generated: boolean; workspaceId: string } | { created: false };

/** First-run setup: the first workspace and admin, and a WhatsApp number given by the environment. */
@Injectable()
export class SetupService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly numbers: WhatsAppNumbersService,
  ) {}

  /** Creates a workspace and its admin when there is no user at all; otherwise does nothing. */
  async ensureAdmin(input: AdminSetup): Promise<AdminSetupResult> {
    if (await this.dataSource.getRepository(User).exists()) return { created: false };
    const email = (input.email ?? 'admin@parley.local').trim().toLowerCase();
    const generated = input.password === undefined;
    const password = input.password ?? randomBytes(15).toString('base64url');
    const workspace = await this.dataSource.getRepository(Workspace).save({ name: 'My workspace', settings: {} });
    await this.users.create(workspace.id, { email, password, role: 'admin', displayName: 'Admin' }, null);
    return { created: true, email, password, generated, workspaceId: workspace.id };
  }

  /** Registers a number for the first workspace unless that phone number id is known already. */
  async ensureNumber(input: NewWhatsAppNumber): Promise<boolean> {
    if (await this.dataSource.getRepository(WhatsAppNumber).exists({ where: { phoneNumberId: input.phoneNumberId } })) return false;
    const workspace = await this.dataSource.getRepository(Workspace).findOne({ where: {}, order: { createdAt: 'ASC' } });
    if (!workspace) throw new Error('Create the first admin before registering a number');
    await this.numbers.create(workspace.id, input, null);
    return true;
  }
}
