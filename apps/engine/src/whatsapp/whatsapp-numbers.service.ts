import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/secret-box';
import { WhatsAppNumber } from './whatsapp-number.entity';

export interface NewWhatsAppNumber {
  phoneNumberId: string;
  accessToken: string;
  displayPhoneNumber?: string;
  wabaId?: string;
}

export interface WhatsAppNumberView {
  id: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  tokenUpdatedAt: string;
}

function view(number: WhatsAppNumber): WhatsAppNumberView {
  return {
    id: number.id,
    phoneNumberId: number.phoneNumberId,
    displayPhoneNumber: number.displayPhoneNumber,
    wabaId: number.wabaId,
    tokenUpdatedAt: number.tokenUpdatedAt.toISOString(),
  };
}

function tokenContext(numberId: string): string {
  return `whatsapp_number:${numberId}:access_token`;
}

/** Business phone numbers and their (encrypted) access tokens. */
@Injectable()
export class WhatsAppNumbersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(workspaceId: string): Promise<WhatsAppNumberView[]> {
    const numbers = await this.dataSource.getRepository(WhatsAppNumber).find({ where: { workspaceId }, order: { createdAt: 'ASC' } });
    return numbers.map(view);
  }

  /** Registers a number; `actor` is null when the system does it at setup. */
  async create(workspaceId: string, input: NewWhatsAppNumber, actor: Principal | null): Promise<WhatsAppNumberView> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(WhatsAppNumber);
      if (await repository.exists({ where: { phoneNumberId: input.phoneNumberId } })) {
        throw new ConflictException(`Phone number id ${input.phoneNumberId} is already registered.`);
      }
      const id = randomUUID();
      const number = await repository.save({
        id,
        workspaceId,
        phoneNumberId: input.phoneNumberId,
        displayPhoneNumber: input.displayPhoneNumber ?? '',
        wabaId: input.wabaId ?? '',
        accessTokenEnc: this.secrets.seal(input.accessToken, tokenContext(id)),
        tokenUpdatedAt: this.clock.now(),
      });
      await this.audit.record(
        {
          workspaceId,
          actorUserId: actor?.userId ?? null,
          action: 'whatsapp_number.created',
          subjectType: 'whatsapp_number',
          subjectId: id,
          details: { phoneNumberId: input.phoneNumberId },
        },
        manager,
      );
      return view(number);
    });
  }

  async rotateToken(principal: Principal, id: string, accessToken: string): Promise<WhatsAppNumberView> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(WhatsAppNumber);
      const number = await repository.findOne({ where: { id, workspaceId: principal.workspaceId } });
      if (!number) throw new NotFoundException('No such WhatsApp number in this workspace.');
      number.accessTokenEnc = this.secrets.seal(accessToken, tokenContext(id));
      number.tokenUpdatedAt = this.clock.now();
      const saved = await repository.save(number);
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'whatsapp_number.token_rotated',
          subjectType: 'whatsapp_number',
          subjectId: id,
        },
        manager,
      );
      return view(saved);
    });
  }

  /** The number and its decrypted token, for sending. */
  async credentials(numberId: string): Promise<{ number: WhatsAppNumber; accessToken: string } | null> {
    const number = await this.dataSource
      .getRepository(WhatsAppNumber)
      .createQueryBuilder('n')
      .addSelect('n.accessTokenEnc')
      .where('n.id = :numberId', { numberId })
      .getOne();
    if (!number) return null;
    return { number, accessToken: this.secrets.open(number.accessTokenEnc, tokenContext(number.id)) };
  }
}
