import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/secret-box';
import { appSecretContext } from './app-secret-context';
import { WebhookSecretsService } from './webhook-secrets.service';
import { WhatsAppNumber } from './whatsapp-number.entity';

export interface NewWhatsAppNumber {
  phoneNumberId: string;
  accessToken: string;
  displayPhoneNumber?: string;
  wabaId?: string;
  /** The secret of the number's own Meta app, when it is not the deployment's. */
  appSecret?: string;
}

export interface WhatsAppNumberView {
  id: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  tokenUpdatedAt: string;
  /** Whose app secret checks this number's webhooks: its own (stored sealed) or the deployment's. */
  appSecret: 'own' | 'deployment';
  appSecretUpdatedAt: string | null;
  qualityRating: string | null;
  messagingLimit: string | null;
  limitsUpdatedAt: string | null;
  templatesSyncedAt: string | null;
}

function view(number: WhatsAppNumber): WhatsAppNumberView {
  return {
    id: number.id,
    phoneNumberId: number.phoneNumberId,
    displayPhoneNumber: number.displayPhoneNumber,
    wabaId: number.wabaId,
    tokenUpdatedAt: number.tokenUpdatedAt.toISOString(),
    appSecret: number.appSecretUpdatedAt ? 'own' : 'deployment',
    appSecretUpdatedAt: number.appSecretUpdatedAt?.toISOString() ?? null,
    qualityRating: number.qualityRating,
    messagingLimit: number.messagingLimit,
    limitsUpdatedAt: number.limitsUpdatedAt?.toISOString() ?? null,
    templatesSyncedAt: number.templatesSyncedAt?.toISOString() ?? null,
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
    private readonly webhookSecrets: WebhookSecretsService,
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
        appSecretEnc: input.appSecret ? this.secrets.seal(input.appSecret, appSecretContext(id)) : null,
        appSecretUpdatedAt: input.appSecret ? this.clock.now() : null,
        qualityRating: null,
        messagingLimit: null,
        limitsUpdatedAt: null,
        templatesSyncedAt: null,
      });
      if (input.appSecret) this.webhookSecrets.invalidate();
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

  /**
   * Sets (or, with null, removes) the number's own app secret. Webhooks signed
   * with the old secret are refused from now on in this process, and within
   * `WebhookSecretsService.TTL_MS` in the others.
   */
  async setAppSecret(principal: Principal, id: string, appSecret: string | null): Promise<WhatsAppNumberView> {
    const saved = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(WhatsAppNumber);
      const number = await repository.findOne({ where: { id, workspaceId: principal.workspaceId } });
      if (!number) throw new NotFoundException('No such WhatsApp number in this workspace.');
      number.appSecretEnc = appSecret === null ? null : this.secrets.seal(appSecret, appSecretContext(id));
      number.appSecretUpdatedAt = appSecret === null ? null : this.clock.now();
      const updated = await repository.save(number);
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: appSecret === null ? 'whatsapp_number.app_secret_removed' : 'whatsapp_number.app_secret_rotated',
          subjectType: 'whatsapp_number',
          subjectId: id,
        },
        manager,
      );
      return updated;
    });
    this.webhookSecrets.invalidate();
    return view(saved);
  }

  /** The number and its decrypted token, for sending. */
  /** Opens a number's sealed access token read along with other columns (the sender reads it with its contact). */
  openAccessToken(numberId: string, sealed: string): string {
    return this.secrets.open(sealed, tokenContext(numberId));
  }

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
