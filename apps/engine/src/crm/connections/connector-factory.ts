import { Injectable } from '@nestjs/common';
import { SecretBox } from '../../common/secret-box';
import type { CrmConnector, CrmProvider } from '../connectors/crm-connector';
import { CrmError } from '../connectors/crm-error';
import { HubSpotConnector } from '../connectors/hubspot/hubspot-connector';
import { SalesforceConnector } from '../connectors/salesforce/salesforce-connector';
import { ZohoConnector } from '../connectors/zoho/zoho-connector';
import {
  hubspotSecretsSchema,
  hubspotSettingsSchema,
  salesforceSecretsSchema,
  salesforceSettingsSchema,
  zohoSecretsSchema,
  zohoSettingsSchema,
} from './connection-input';

export interface ConnectionRecord {
  id: string;
  provider: CrmProvider;
  settings: unknown;
  secretsEnc: string;
  updatedAt: Date;
}

export const secretsContext = (connectionId: string) => `crm-connection:${connectionId}`;

/**
 * Builds a connection's connector from its stored settings and sealed
 * secrets, and keeps it while the connection is unchanged, so its access
 * token and what it learnt of the CRM's limits carry over between runs.
 */
@Injectable()
export class ConnectorFactory {
  private readonly cache = new Map<string, { updatedAt: number; connector: CrmConnector }>();

  constructor(private readonly secrets: SecretBox) {}

  connectorFor(connection: ConnectionRecord): CrmConnector {
    const cached = this.cache.get(connection.id);
    if (cached && cached.updatedAt === connection.updatedAt.getTime()) return cached.connector;
    const connector = this.build(connection);
    this.cache.set(connection.id, { updatedAt: connection.updatedAt.getTime(), connector });
    return connector;
  }

  forget(connectionId: string): void {
    this.cache.delete(connectionId);
  }

  /** The HubSpot app's client secret, which signs its webhook deliveries; null for other CRMs or when not given. */
  hubspotWebhookSecret(connection: ConnectionRecord): string | null {
    if (connection.provider !== 'hubspot') return null;
    let secrets: unknown;
    try {
      secrets = JSON.parse(this.secrets.open(connection.secretsEnc, secretsContext(connection.id)));
    } catch {
      return null;
    }
    const parsed = hubspotSecretsSchema.safeParse(secrets);
    return parsed.success ? (parsed.data.clientSecret ?? null) : null;
  }

  private build(connection: ConnectionRecord): CrmConnector {
    let secrets: unknown;
    try {
      secrets = JSON.parse(this.secrets.open(connection.secretsEnc, secretsContext(connection.id)));
    } catch {
      throw new CrmError('auth', 'the stored credentials cannot be opened (was SECRETS_KEY changed?); enter them again');
    }
    switch (connection.provider) {
      case 'hubspot': {
        const settings = hubspotSettingsSchema.parse(connection.settings);
        const s = hubspotSecretsSchema.parse(secrets);
        return new HubSpotConnector(settings, 'privateAppToken' in s ? { privateAppToken: s.privateAppToken } : { oauth: s });
      }
      case 'salesforce':
        return new SalesforceConnector(salesforceSettingsSchema.parse(connection.settings), salesforceSecretsSchema.parse(secrets));
      case 'zoho':
        return new ZohoConnector(zohoSettingsSchema.parse(connection.settings), zohoSecretsSchema.parse(secrets));
    }
  }
}
