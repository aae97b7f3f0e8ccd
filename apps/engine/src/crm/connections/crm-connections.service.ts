import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../../audit/audit.service';
import type { Principal } from '../../auth/principal';
import { SecretBox } from '../../common/secret-box';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { sqlRow, sqlRows } from '../../database/sql-rows';
import type { CrmConnector } from '../connectors/crm-connector';
import { CrmError } from '../connectors/crm-error';
import type { ConnectionInput } from './connection-input';
import { type ConnectionRecord, ConnectorFactory, secretsContext } from './connector-factory';

export const connectionRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  provider: z.enum(['hubspot', 'salesforce', 'zoho']),
  name: z.string(),
  settings: z.record(z.string(), z.unknown()),
  secrets_enc: z.string(),
  secret_names: z.array(z.string()),
  status: z.enum(['active', 'paused']),
  cursor: z.record(z.string(), z.unknown()),
  quota: z.record(z.string(), z.unknown()),
  max_attempts: z.number(),
  retry_delay_ms: z.number(),
  last_error: z.string().nullable(),
  last_error_at: z.date().nullable(),
  last_success_at: z.date().nullable(),
  last_poll_at: z.date().nullable(),
  /** The nightly batch: its wall-clock time in the workspace zone, where an interrupted one stopped, when the next is due. */
  batch_at: z.string(),
  batch_cursor: z.record(z.string(), z.unknown()).nullable(),
  batch_next_at: z.date().nullable(),
  batch_started_at: z.date().nullable(),
  health_notified_at: z.date().nullable(),
  /** Zoho: until when its notification channel is subscribed, and why subscribing last failed. */
  notify_until: z.date().nullable(),
  notify_error: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});
export type ConnectionRow = z.infer<typeof connectionRow>;

export interface ConnectionView {
  id: string;
  provider: 'hubspot' | 'salesforce' | 'zoho';
  name: string;
  settings: Record<string, unknown>;
  /** The names of the secrets held (their values are never returned). */
  secretsHeld: string[];
  status: 'active' | 'paused';
  maxAttempts: number;
  retryDelayMs: number;
  /** The nightly batch's wall-clock time (HH:MM) in the workspace's zone, and when it next runs (null until the first sync round sets it). */
  batchAt: string;
  nextBatchAt: string | null;
  /** Where HubSpot delivers this connection's webhooks, or Zoho its notifications. */
  webhookPath: string | null;
  /** Zoho: until when its notification channel is subscribed (null: not yet, or polling alone), and the last error subscribing. */
  notifyUntil: string | null;
  notifyError: string | null;
  /** Salesforce: the connection's own poll interval (null: the installation's), and the installation's CRM_POLL_INTERVAL_MS. */
  pollIntervalMs: number | null;
  defaultPollIntervalMs: number;
  createdAt: string;
}

/** What PATCH may change; a field left out is left as it is, and `pollIntervalMs: null` goes back to the installation's interval. */
export interface ConnectionChanges {
  batchAt?: string;
  pollIntervalMs?: number | null;
}

const ownPollInterval = z.object({ pollIntervalMs: z.number().int().positive().optional() });

export function toRecord(row: ConnectionRow): ConnectionRecord {
  return { id: row.id, provider: row.provider, settings: row.settings, secretsEnc: row.secrets_enc, updatedAt: row.updated_at };
}

/** Owns crm_connections: one connection per workspace, created by an admin, with its secrets sealed. */
@Injectable()
export class CrmConnectionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly factory: ConnectorFactory,
    private readonly audit: AuditService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  private view(row: ConnectionRow): ConnectionView {
    return {
      id: row.id,
      provider: row.provider,
      name: row.name,
      settings: row.settings,
      secretsHeld: row.secret_names,
      status: row.status,
      maxAttempts: row.max_attempts,
      retryDelayMs: row.retry_delay_ms,
      batchAt: row.batch_at,
      nextBatchAt: row.batch_next_at?.toISOString() ?? null,
      webhookPath: row.provider === 'salesforce' ? null : `/webhooks/${row.provider}/${row.id}`,
      // After a failure notify_until is the next try, not a subscription.
      notifyUntil: row.notify_error ? null : (row.notify_until?.toISOString() ?? null),
      notifyError: row.notify_error,
      pollIntervalMs: ownPollInterval.safeParse(row.settings).data?.pollIntervalMs ?? null,
      defaultPollIntervalMs: this.config.CRM_POLL_INTERVAL_MS,
      createdAt: row.created_at.toISOString(),
    };
  }

  async list(workspaceId: string): Promise<ConnectionView[]> {
    const rows = await sqlRows(
      this.dataSource,
      connectionRow,
      `SELECT * FROM crm_connections WHERE workspace_id = $1 ORDER BY created_at`,
      [workspaceId],
    );
    return rows.map((row) => this.view(row));
  }

  async row(workspaceId: string, id: string): Promise<ConnectionRow> {
    const row = await sqlRow(this.dataSource, connectionRow, `SELECT * FROM crm_connections WHERE id = $1 AND workspace_id = $2`, [
      id,
      workspaceId,
    ]);
    if (!row) throw new NotFoundException(`id: no CRM connection ${id} in this workspace`);
    return row;
  }

  async rowById(id: string): Promise<ConnectionRow | null> {
    return (await sqlRow(this.dataSource, connectionRow, `SELECT * FROM crm_connections WHERE id = $1`, [id])) ?? null;
  }

  /** The workspace's active connection, if it has one (flows and the sync use it). */
  async active(workspaceId: string): Promise<ConnectionRow | null> {
    return (
      (await sqlRow(this.dataSource, connectionRow, `SELECT * FROM crm_connections WHERE workspace_id = $1 AND status = 'active'`, [
        workspaceId,
      ])) ?? null
    );
  }

  async allActive(): Promise<ConnectionRow[]> {
    return sqlRows(this.dataSource, connectionRow, `SELECT * FROM crm_connections WHERE status = 'active' ORDER BY id`);
  }

  /** The secret HubSpot signs this connection's webhook deliveries with (null: webhooks are refused). */
  hubspotWebhookSecret(row: ConnectionRow): string | null {
    return this.factory.hubspotWebhookSecret(toRecord(row));
  }

  connector(row: ConnectionRow): CrmConnector {
    return this.factory.connectorFor(toRecord(row));
  }

  async create(principal: Principal, input: ConnectionInput): Promise<ConnectionView> {
    const id = randomUUID();
    return this.dataSource.transaction(async (manager) => {
      const existing = await sqlRow(manager, z.object({ id: z.string() }), `SELECT id FROM crm_connections WHERE workspace_id = $1`, [
        principal.workspaceId,
      ]);
      if (existing) throw new ConflictException('provider: this workspace is connected to a CRM already; remove that connection first');
      const row = await sqlRow(
        manager,
        connectionRow,
        `INSERT INTO crm_connections (id, workspace_id, provider, name, settings, secret_names, secrets_enc, max_attempts, retry_delay_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [
          id,
          principal.workspaceId,
          input.provider,
          input.name,
          JSON.stringify(input.settings),
          Object.keys(input.secrets),
          this.secrets.seal(JSON.stringify(input.secrets), secretsContext(id)),
          input.maxAttempts,
          input.retryDelayMs,
        ],
      );
      if (!row) throw new Error('connection insert returned nothing');
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'crm.connection_created',
          subjectType: 'crm_connection',
          subjectId: id,
          details: { provider: input.provider, name: input.name },
        },
        manager,
      );
      return this.view(row);
    });
  }

  /**
   * Changes the nightly batch's time of day and/or Salesforce's own poll interval; only the fields sent change.
   * A new batch time is worked into its next run by the next sync round; a poll interval is read by every round.
   */
  async update(principal: Principal, id: string, changes: ConnectionChanges): Promise<ConnectionView> {
    return this.dataSource.transaction(async (manager) => {
      const before = await sqlRow(manager, connectionRow, `SELECT * FROM crm_connections WHERE id = $1 AND workspace_id = $2 FOR UPDATE`, [
        id,
        principal.workspaceId,
      ]);
      if (!before) throw new NotFoundException(`id: no CRM connection ${id} in this workspace`);
      // Polling is only Salesforce's change feed here; HubSpot and Zoho push theirs, so an interval would mean nothing.
      if (changes.pollIntervalMs !== undefined && before.provider !== 'salesforce')
        throw new BadRequestException(`pollIntervalMs: only a Salesforce connection has its own poll interval, not ${before.provider}`);
      const audited: Record<string, { from: unknown; to: unknown }> = {};
      let batchAt = before.batch_at;
      if (changes.batchAt !== undefined && changes.batchAt !== before.batch_at) {
        audited['batchAt'] = { from: before.batch_at, to: changes.batchAt };
        batchAt = changes.batchAt;
      }
      const settings: Record<string, unknown> = { ...before.settings };
      const pollBefore = ownPollInterval.safeParse(before.settings).data?.pollIntervalMs ?? null;
      if (changes.pollIntervalMs !== undefined && changes.pollIntervalMs !== pollBefore) {
        audited['pollIntervalMs'] = { from: pollBefore, to: changes.pollIntervalMs };
        if (changes.pollIntervalMs === null) delete settings['pollIntervalMs'];
        else settings['pollIntervalMs'] = changes.pollIntervalMs;
      }
      if (Object.keys(audited).length === 0) return this.view(before);
      const row = await sqlRow(
        manager,
        connectionRow,
        `UPDATE crm_connections
            SET batch_at = $2,
                batch_next_at = CASE WHEN batch_at = $2 THEN batch_next_at END,
                settings = $3::jsonb,
                updated_at = now()
          WHERE id = $1 RETURNING *`,
        [id, batchAt, JSON.stringify(settings)],
      );
      if (!row) throw new Error('connection update returned nothing');
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'crm.connection_updated',
          subjectType: 'crm_connection',
          subjectId: id,
          details: { changes: audited },
        },
        manager,
      );
      return this.view(row);
    });
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const row = await this.row(principal.workspaceId, id);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM crm_connections WHERE id = $1`, [row.id]);
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'crm.connection_removed',
          subjectType: 'crm_connection',
          subjectId: id,
          details: { provider: row.provider },
        },
        manager,
      );
    });
    this.factory.forget(id);
  }

  /** Checks the credentials against the CRM with one cheap call. */
  async test(workspaceId: string, id: string): Promise<{ ok: boolean; account: string | null; error: string | null }> {
    const row = await this.row(workspaceId, id);
    try {
      const { account } = await this.connector(row).test();
      await this.recordCall(row.id, 'test', true, null, null);
      return { ok: true, account, error: null };
    } catch (error) {
      const message =
        error instanceof CrmError ? `${error.kind}: ${error.message}` : error instanceof Error ? error.message : String(error);
      await this.recordCall(row.id, 'test', false, null, message);
      return { ok: false, account: null, error: message };
    }
  }

  /** `recordCall` for the changes of one batch write, in two statements. */
  async recordCalls(
    connectionId: string,
    mode: 'realtime' | 'batch',
    calls: readonly { ok: boolean; lagMs: number | null; error: string | null }[],
  ): Promise<void> {
    if (calls.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO crm_calls (connection_id, mode, ok, lag_ms, error)
       SELECT $1, $2, c.ok, c.lag_ms, c.error FROM jsonb_to_recordset($3::jsonb) AS c(ok boolean, lag_ms integer, error text)`,
      [connectionId, mode, JSON.stringify(calls.map((call) => ({ ok: call.ok, lag_ms: call.lagMs, error: call.error })))],
    );
    const lastError = [...calls].reverse().find((call) => !call.ok)?.error ?? null;
    await this.dataSource.query(
      `UPDATE crm_connections SET
         last_success_at = CASE WHEN $2 THEN now() ELSE last_success_at END,
         last_error = CASE WHEN $3::text IS NULL THEN last_error ELSE $3 END,
         last_error_at = CASE WHEN $3::text IS NULL THEN last_error_at ELSE now() END
       WHERE id = $1`,
      [connectionId, calls.some((call) => call.ok), lastError],
    );
  }

  async recordCall(
    connectionId: string,
    mode: 'realtime' | 'batch' | 'test',
    ok: boolean,
    lagMs: number | null,
    error: string | null,
  ): Promise<void> {
    await this.dataSource.query(`INSERT INTO crm_calls (connection_id, mode, ok, lag_ms, error) VALUES ($1, $2, $3, $4, $5)`, [
      connectionId,
      mode,
      ok,
      lagMs,
      error,
    ]);
    if (ok) await this.dataSource.query(`UPDATE crm_connections SET last_success_at = now() WHERE id = $1`, [connectionId]);
    else
      await this.dataSource.query(`UPDATE crm_connections SET last_error = $2, last_error_at = now() WHERE id = $1`, [connectionId, error]);
  }
}
