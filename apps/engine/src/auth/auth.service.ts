import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { User } from '../users/user.entity';
import { USER_ROLES, type UserRole } from '../users/user-role';
import { LoginThrottleService } from './login-throttle.service';
import { PasswordHasher } from './password-hasher';
import type { Principal } from './principal';
import { Session } from './session.entity';
import { hashSessionToken, newSessionToken } from './session-token';

export type LoginResult =
  | { outcome: 'ok'; token: string; expiresAt: Date; principal: Principal }
  | { outcome: 'invalid' }
  | { outcome: 'locked'; retryAfterSeconds: number };

const principalRow = z.object({
  session_id: z.string(),
  user_id: z.string(),
  workspace_id: z.string(),
  role: z.enum(USER_ROLES),
  email: z.string(),
});

const membershipRow = z.object({ id: z.string(), name: z.string(), role: z.enum(USER_ROLES), home: z.boolean() });

/** A workspace a user may work in. */
export interface WorkspaceMembershipView {
  id: string;
  name: string;
  role: UserRole;
  /** The user's own workspace (where they were created); the others they were added to. */
  home: boolean;
}

/** Passwords, sessions and the login lockout. */
@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so both paths cost the same time. */
  private decoyHash: Promise<string> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  async login(rawEmail: string, password: string, ip: string): Promise<LoginResult> {
    const email = rawEmail.trim().toLowerCase();
    const locked = await this.throttle.lockedForSeconds(email, ip);
    if (locked > 0) return { outcome: 'locked', retryAfterSeconds: locked };

    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email AND u.disabledAt IS NULL', { email })
      .getOne();
    this.decoyHash ??= this.hasher.hash('decoy password for timing');
    const valid = user
      ? await this.hasher.verify(user.passwordHash, password)
      : (await this.hasher.verify(await this.decoyHash, password)) && false;
    if (!user || !valid) {
      await this.throttle.recordFailure(email, ip);
      // A wrong password for a known account goes into its workspace's trail; an unknown
      // email belongs to no workspace (the lockout still counts it).
      if (user)
        await this.audit.record({
          workspaceId: user.workspaceId,
          actorUserId: null,
          action: 'user.login_failed',
          subjectType: 'user',
          subjectId: user.id,
          details: { email, ip },
        });
      return { outcome: 'invalid' };
    }
    await this.throttle.recordSuccess(email);

    const token = newSessionToken();
    const expiresAt = new Date(this.clock.now().getTime() + this.config.SESSION_TTL_HOURS * 3_600_000);
    const session = await this.dataSource.getRepository(Session).save({
      workspaceId: user.workspaceId,
      userId: user.id,
      tokenHash: hashSessionToken(token),
      expiresAt,
      revokedAt: null,
    });
    await this.audit.record({
      workspaceId: user.workspaceId,
      actorUserId: user.id,
      action: 'user.login',
      subjectType: 'user',
      subjectId: user.id,
      details: { ip },
    });
    return {
      outcome: 'ok',
      token,
      expiresAt,
      principal: { userId: user.id, workspaceId: user.workspaceId, role: user.role, email: user.email, sessionId: session.id },
    };
  }

  /** The principal behind a session token, or null when it is unknown, expired, revoked or its user disabled. */
  async authenticate(token: string): Promise<Principal | null> {
    if (token.length === 0 || token.length > 200) return null;
    const row = await sqlRow(
      this.dataSource,
      principalRow,
      // The session names its workspace: the user's own (their role on the user row) or one they were added to
      // (the membership's role). A removed membership matches nothing, so access to that workspace ends at once.
      `SELECT s.id AS session_id, u.id AS user_id, s.workspace_id,
              CASE WHEN s.workspace_id = u.workspace_id THEN u.role ELSE m.role END AS role, u.email
         FROM sessions s JOIN users u ON u.id = s.user_id
         LEFT JOIN workspace_memberships m ON m.user_id = u.id AND m.workspace_id = s.workspace_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL
          AND (s.workspace_id = u.workspace_id OR m.user_id IS NOT NULL)`,
      [hashSessionToken(token), this.clock.now()],
    );
    if (!row) return null;
    return { sessionId: row.session_id, userId: row.user_id, workspaceId: row.workspace_id, role: row.role, email: row.email };
  }

  async logout(principal: Principal): Promise<void> {
    await this.dataSource.getRepository(Session).update({ id: principal.sessionId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
  }

  /** Every workspace the principal's user may work in (their own first), with their role in each. */
  async membershipsOf(principal: Principal): Promise<WorkspaceMembershipView[]> {
    if (principal.role === 'integration') return [];
    const rows = await sqlRows(
      this.dataSource,
      membershipRow,
      `SELECT w.id, w.name, u.role, true AS home FROM users u JOIN workspaces w ON w.id = u.workspace_id WHERE u.id = $1
       UNION ALL
       SELECT w.id, w.name, m.role, false AS home FROM workspace_memberships m JOIN workspaces w ON w.id = m.workspace_id
        WHERE m.user_id = $1
       ORDER BY home DESC, name, id`,
      [principal.userId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, home: r.home }));
  }

  /**
   * Moves the session to another workspace the user belongs to; every later
   * request is scoped to it. Audited in the workspace entered.
   */
  async switchWorkspace(principal: Principal, workspaceId: string): Promise<void> {
    const target = (await this.membershipsOf(principal)).find((m) => m.id === workspaceId);
    if (!target) throw new NotFoundException('You are not a member of that workspace.');
    if (target.id === principal.workspaceId) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Session).update({ id: principal.sessionId, revokedAt: IsNull() }, { workspaceId: target.id });
      await this.audit.record(
        {
          workspaceId: target.id,
          actorUserId: principal.userId,
          action: 'user.switched_workspace',
          subjectType: 'workspace',
          subjectId: target.id,
          details: { from: principal.workspaceId, role: target.role },
        },
        manager,
      );
    });
  }

  /** The workspace a principal works in, for the header. */
  async workspaceOf(principal: Principal): Promise<{ id: string; name: string }> {
    const row = await sqlRow(
      this.dataSource,
      z.object({ id: z.string(), name: z.string() }),
      'SELECT id, name FROM workspaces WHERE id = $1',
      [principal.workspaceId],
    );
    return row ?? { id: principal.workspaceId, name: '' };
  }
}
