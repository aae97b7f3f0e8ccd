import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from '../auth/password-hasher';
import type { Principal } from '../auth/principal';
import { Session } from '../auth/session.entity';
import { Clock } from '../common/clock';
import { sqlRows } from '../database/sql-rows';
import { refuseUserChange, type UserChange } from './admin-change-rule';
import { User } from './user.entity';
import { adminMemberships, lockWorkspaceAdmins, otherActiveAdmins } from './workspace-admins';
import { USER_ROLES, type UserRole } from './user-role';

export interface NewUser {
  email: string;
  password: string;
  role: UserRole;
  displayName?: string;
}

export interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  createdAt: string;
  /** For a user added from another workspace: that workspace's name (their role here is the membership's). */
  addedFrom: string | null;
}

export function viewUser(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
    addedFrom: null,
  };
}

const memberRow = z.object({
  id: z.string(),
  email: z.string(),
  display_name: z.string(),
  role: z.enum(USER_ROLES),
  disabled_at: z.date().nullable(),
  created_at: z.date(),
  home_name: z.string(),
});

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The workspace's own users, then the users added to it from other workspaces (with their role here). */
  async list(workspaceId: string): Promise<UserView[]> {
    const users = await this.dataSource.getRepository(User).find({ where: { workspaceId }, order: { createdAt: 'ASC' } });
    const members = await sqlRows(
      this.dataSource,
      memberRow,
      `SELECT u.id, u.email, u.display_name, m.role, u.disabled_at, m.created_at, w.name AS home_name
         FROM workspace_memberships m JOIN users u ON u.id = m.user_id JOIN workspaces w ON w.id = u.workspace_id
        WHERE m.workspace_id = $1 ORDER BY m.created_at, u.id`,
      [workspaceId],
    );
    return [
      ...users.map(viewUser),
      ...members.map((m) => ({
        id: m.id,
        email: m.email,
        displayName: m.display_name,
        role: m.role,
        disabled: m.disabled_at !== null,
        createdAt: m.created_at.toISOString(),
        addedFrom: m.home_name,
      })),
    ];
  }

  /**
   * Creates a user in `workspaceId`; `actor` is null when the system does it
   * (first admin). Pass `manager` to commit it with the caller's change.
   */
  async create(workspaceId: string, input: NewUser, actor: Principal | null, manager?: EntityManager): Promise<UserView> {
    const email = input.email.trim().toLowerCase();
    const passwordHash = await this.hasher.hash(input.password);
    const write = async (tx: EntityManager): Promise<UserView> => {
      const existing = await tx.getRepository(User).exists({ where: { email } });
      if (existing) throw new ConflictException(`A user with the email ${email} already exists.`);
      const user = await tx.getRepository(User).save({
        workspaceId,
        email,
        passwordHash,
        role: input.role,
        displayName: input.displayName ?? '',
        disabledAt: null,
      });
      await this.audit.record(
        {
          workspaceId,
          actorUserId: actor?.userId ?? null,
          action: 'user.created',
          subjectType: 'user',
          subjectId: user.id,
          details: { email, role: input.role },
        },
        tx,
      );
      return viewUser(user);
    };
    return manager ? write(manager) : this.dataSource.transaction(write);
  }

  /**
   * Changes a user's role or deactivates (re-activates) them. Deactivation
   * revokes every session of the user in the same transaction, so they are
   * signed out at their next request; the last active admin stays.
   */
  async update(principal: Principal, userId: string, change: UserChange): Promise<UserView> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      // The admins of this workspace and of those the user was added to as an admin are locked together: two admins
      // demoting each other at once cannot both succeed, here or there.
      const elsewhere = await adminMemberships(manager, userId);
      await lockWorkspaceAdmins(manager, [principal.workspaceId, ...elsewhere.map((w) => w.id)]);
      const user = await repository.findOne({ where: { id: userId, workspaceId: principal.workspaceId } });
      if (!user) throw new NotFoundException('No such user in this workspace.');
      const before = { role: user.role, disabled: user.disabledAt !== null };
      const adminElsewhere = [];
      for (const workspace of await adminMemberships(manager, userId))
        adminElsewhere.push({ workspaceName: workspace.name, otherActiveAdmins: await otherActiveAdmins(manager, workspace.id, userId) });
      const refusal = refuseUserChange(change, {
        target: { id: user.id, ...before },
        actorUserId: principal.userId,
        otherActiveAdmins: await otherActiveAdmins(manager, principal.workspaceId, user.id),
        adminElsewhere,
      });
      if (refusal) throw new ConflictException(refusal);
      if (change.role !== undefined) user.role = change.role;
      if (change.disabled !== undefined && change.disabled !== before.disabled) user.disabledAt = change.disabled ? this.clock.now() : null;
      const saved = await repository.save(user);
      const endedSessions = change.disabled === true ? await this.endSessions(manager, user.id) : 0;
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'user.updated',
          subjectType: 'user',
          subjectId: user.id,
          details: { email: user.email, before, after: { role: saved.role, disabled: saved.disabledAt !== null }, endedSessions },
        },
        manager,
      );
      return viewUser(saved);
    });
  }

  /**
   * Gives a user a new generated password (returned once, never stored in
   * clear) and ends their sessions: whoever knew the old one is out.
   */
  async resetPassword(principal: Principal, userId: string): Promise<{ user: UserView; temporaryPassword: string }> {
    const temporaryPassword = randomBytes(12).toString('base64url');
    const passwordHash = await this.hasher.hash(temporaryPassword);
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const user = await repository.findOne({ where: { id: userId, workspaceId: principal.workspaceId } });
      if (!user) throw new NotFoundException('No such user in this workspace.');
      await repository.update({ id: user.id }, { passwordHash });
      const endedSessions = await this.endSessions(manager, user.id);
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'user.password_reset',
          subjectType: 'user',
          subjectId: user.id,
          details: { email: user.email, endedSessions },
        },
        manager,
      );
      return { user: viewUser(user), temporaryPassword };
    });
  }

  private async endSessions(manager: EntityManager, userId: string): Promise<number> {
    const result = await manager.getRepository(Session).update({ userId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    return result.affected ?? 0;
  }
}
