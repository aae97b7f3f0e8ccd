import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { CrmError } from '../connectors/crm-error';
import type { CrmConnector } from '../connectors/crm-connector';
import { ZohoConnector } from '../connectors/zoho/zoho-connector';
import type { ConnectionRow } from '../connections/crm-connections.service';
import { zohoSettingsSchema } from '../connections/connection-input';
import { zohoChannelIdentity } from './zoho-channel-identity';

/** Zoho keeps a channel at most a day; ask for a little less, so clocks a few minutes apart never make it refuse. */
const CHANNEL_LIFETIME_MS = 23 * 3_600_000;
/** Renewed when less than this is left, so a few missed rounds never let it lapse. */
const RENEW_BEFORE_MS = 6 * 3_600_000;
/** After a refused subscription, wait this long before asking again (each try costs an API credit). */
const RETRY_AFTER_MS = 15 * 60_000;

/**
 * Keeps a Zoho connection's notification channel subscribed: Zoho then
 * posts each contact change to `/webhooks/zoho/<connection>` with the
 * channel's token, and the change is applied without waiting for a poll.
 * Needs an address Zoho can reach (the connection's `notifyBaseUrl` or
 * PUBLIC_URL); without one, polling alone brings changes in.
 */
@Injectable()
export class ZohoChannelService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  notifyUrl(connection: ConnectionRow): string | null {
    const settings = zohoSettingsSchema.safeParse(connection.settings);
    const base = (settings.success ? settings.data.notifyBaseUrl : undefined) ?? this.config.PUBLIC_URL;
    return base ? new URL(`/webhooks/zoho/${connection.id}`, base).toString() : null;
  }

  /** Subscribes or renews when due; a failure is kept for Settings → CRM and retried later, never thrown into the sync round. */
  async ensure(connection: ConnectionRow, connector: CrmConnector, now = Date.now()): Promise<void> {
    if (!(connector instanceof ZohoConnector)) return;
    const notifyUrl = this.notifyUrl(connection);
    if (!notifyUrl) return;
    if (connection.notify_until && connection.notify_until.getTime() - now > RENEW_BEFORE_MS) return;
    // notify_until also holds the time of the next try after a failure (with notify_error set).
    if (connection.notify_error && connection.notify_until && connection.notify_until.getTime() > now) return;
    const identity = zohoChannelIdentity(connection.id, this.config.SECRETS_KEY);
    try {
      const { expiresAt } = await connector.watch({ ...identity, notifyUrl, expiresAt: now + CHANNEL_LIFETIME_MS });
      await this.dataSource.query(`UPDATE crm_connections SET notify_until = $2, notify_error = NULL WHERE id = $1`, [
        connection.id,
        new Date(expiresAt),
      ]);
    } catch (error) {
      const message =
        error instanceof CrmError ? `${error.kind}: ${error.message}` : error instanceof Error ? error.message : String(error);
      await this.dataSource.query(`UPDATE crm_connections SET notify_until = $2, notify_error = $3 WHERE id = $1`, [
        connection.id,
        new Date(now + RETRY_AFTER_MS),
        message.slice(0, 500),
      ]);
    }
  }
}
