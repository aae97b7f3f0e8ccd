import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SecretBox } from '../common/secret-box';
import { sqlRows } from '../database/sql-rows';
import { appSecretContext } from './app-secret-context';

/** One app secret and the numbers whose webhooks it signs. */
export interface NumberAppSecret {
  secret: string;
  phoneNumberIds: string[];
}

const secretRow = z.object({ id: z.string(), phone_number_id: z.string(), app_secret_enc: z.string() });

/**
 * The app secrets of numbers that have their own Meta app, decrypted once and
 * kept briefly: the webhook endpoint checks every delivery and must not pay a
 * query and a decryption per request.
 */
@Injectable()
export class WebhookSecretsService {
  /** How long another process may still accept a secret after it was rotated here. */
  static readonly TTL_MS = 30_000;
  private cached: { at: number; secrets: NumberAppSecret[] } | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  async numberSecrets(): Promise<NumberAppSecret[]> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < WebhookSecretsService.TTL_MS) return this.cached.secrets;
    const rows = await sqlRows(
      this.dataSource,
      secretRow,
      `SELECT id::text AS id, phone_number_id, app_secret_enc FROM whatsapp_numbers WHERE app_secret_enc IS NOT NULL`,
    );
    const bySecret = new Map<string, string[]>();
    for (const row of rows) {
      const secret = this.secrets.open(row.app_secret_enc, appSecretContext(row.id));
      bySecret.set(secret, [...(bySecret.get(secret) ?? []), row.phone_number_id]);
    }
    const secrets = [...bySecret].map(([secret, phoneNumberIds]) => ({ secret, phoneNumberIds }));
    this.cached = { at: now, secrets };
    return secrets;
  }

  invalidate(): void {
    this.cached = null;
  }
}
