import { Injectable, NotFoundException } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { sqlRow, sqlRows } from '../database/sql-rows';

const KEY_PREFIX = 'pk_';
/** Characters of a key kept in clear to name it: "pk_" and 7 of its 32 random ones (192 bits stay secret). */
const SHOWN_CHARACTERS = 10;

function keyPrefix(key: string): string {
  return key.slice(0, SHOWN_CHARACTERS);
}

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

const keyRow = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.date(),
  revoked_at: z.date().nullable(),
  last_used_at: z.date().nullable(),
  created_by_email: z.string().nullable(),
  key_prefix: z.string().nullable(),
});

/** "Last used" is shown to the minute; writing it on every call would add a write to each request of a busy shop. */
const LAST_USED_RESOLUTION = '1 minute';

/**
 * Keys for systems that post events (shops, CRMs, connectors). A key only
 * reaches routes that allow keys; it is shown once and stored as a hash.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(principal: Principal, name: string): Promise<{ id: string; name: string; key: string }> {
    const key = `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
    return this.dataSource.transaction(async (manager) => {
      const row = await sqlRow(
        manager,
        z.object({ id: z.string() }),
        'INSERT INTO api_keys (workspace_id, name, key_hash, created_by, key_prefix) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [principal.workspaceId, name, hashKey(key), principal.userId, keyPrefix(key)],
      );
      if (!row) throw new Error('api key insert returned nothing');
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'api_key.created',
          subjectType: 'api_key',
          subjectId: row.id,
          details: { name, prefix: keyPrefix(key) },
        },
        manager,
      );
      return { id: row.id, name, key };
    });
  }

  async list(workspaceId: string) {
    const rows = await sqlRows(
      this.dataSource,
      keyRow,
      `SELECT k.id, k.name, k.created_at, k.revoked_at, k.last_used_at, u.email AS created_by_email, k.key_prefix
         FROM api_keys k LEFT JOIN users u ON u.id = k.created_by
        WHERE k.workspace_id = $1 ORDER BY k.revoked_at IS NOT NULL, k.created_at DESC`,
      [workspaceId],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.key_prefix,
      createdAt: r.created_at.toISOString(),
      createdBy: r.created_by_email,
      revoked: r.revoked_at !== null,
      revokedAt: r.revoked_at?.toISOString() ?? null,
      lastUsedAt: r.last_used_at?.toISOString() ?? null,
    }));
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await sqlRow(
        manager,
        z.object({ id: z.string() }),
        'UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND workspace_id = $2 AND revoked_at IS NULL RETURNING id',
        [id, principal.workspaceId, this.clock.now()],
      );
      if (!row) throw new NotFoundException('No such active API key in this workspace.');
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'api_key.revoked',
          subjectType: 'api_key',
          subjectId: id,
        },
        manager,
      );
    });
  }

  /** The workspace and key id behind a key, or null when it is unknown or revoked. */
  async authenticate(
    key: string,
  ): Promise<{ workspaceId: string; keyId: string; createdBy: string | null; name: string; prefix: string | null } | null> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
    const row = await sqlRow(
      this.dataSource,
      z.object({
        id: z.string(),
        workspace_id: z.string(),
        created_by: z.string().nullable(),
        name: z.string(),
        key_prefix: z.string().nullable(),
      }),
      'SELECT id, workspace_id, created_by, name, key_prefix FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hashKey(key)],
    );
    if (!row) return null;
    return { workspaceId: row.workspace_id, keyId: row.id, createdBy: row.created_by, name: row.name, prefix: row.key_prefix };
  }

  /** Notes that a key was used for a route it may call (at most one write per key a minute). */
  async touch(keyId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = $2
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '${LAST_USED_RESOLUTION}')`,
      [keyId, this.clock.now()],
    );
  }
}
