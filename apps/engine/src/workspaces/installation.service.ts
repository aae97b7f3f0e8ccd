import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { USER_ROLES, type UserRole } from '../users/user-role';
import { refuseMemberRemoval } from '../users/admin-change-rule';
import { UsersService } from '../users/users.service';
import { lockWorkspaceAdmins, otherActiveAdmins } from '../users/workspace-admins';
import { Workspace } from './workspace.entity';

export interface WorkspaceSummary {
  id: string;
  name: string;
  createdAt: string;
  users: number;
  admins: string[];
  /** Users of other workspaces added to this one, with their role here. */
  members: { userId: string; email: string; role: UserRole }[];
}

export interface NewWorkspace {
  name: string;
  admin: { email: string; displayName?: string };
}

const summaryRow = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.date(),
  users: z.coerce.number().int(),
  admins: z.array(z.string()).nullable(),
  members: z.array(z.object({ userId: z.string(), email: z.string(), role: z.enum(USER_ROLES) })).nullable(),
});

/**
 * The installation: every workspace of this Parley. Its admins are the
 * active admins of the first workspace (the one `npm start` creates), so the
 * person who installed Parley manages it without a flag anyone must set.
 */
@Injectable()
export class InstallationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async isInstallationAdmin(principal: Principal): Promise<boolean> {
    if (principal.role !== 'admin') return false;
    const row = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      `SELECT u.id FROM users u
        WHERE u.id = $1 AND u.role = 'admin' AND u.disabled_at IS NULL
          AND u.workspace_id = (SELECT id FROM workspaces ORDER BY created_at, id LIMIT 1)`,
      [principal.userId],
    );
    return row !== undefined;
  }

  private async requireInstallationAdmin(principal: Principal): Promise<void> {
    if (!(await this.isInstallationAdmin(principal))) {
      throw new ForbiddenException('Only an admin of the installation (an admin of the first workspace) can manage workspaces.');
    }
  }

  async list(principal: Principal): Promise<WorkspaceSummary[]> {
    await this.requireInstallationAdmin(principal);
    return this.listAll();
  }

  private async listAll(): Promise<WorkspaceSummary[]> {
    const rows = await sqlRows(
      this.dataSource,
      summaryRow,
      `SELECT w.id, w.name, w.created_at,
              (SELECT count(*) FROM users u WHERE u.workspace_id = w.id AND u.disabled_at IS NULL) AS users,
              (SELECT array_agg(u.email ORDER BY u.email) FROM users u
                WHERE u.workspace_id = w.id AND u.role = 'admin' AND u.disabled_at IS NULL) AS admins,
              (SELECT json_agg(json_build_object('userId', u.id, 'email', u.email, 'role', m.role) ORDER BY u.email)
                 FROM workspace_memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = w.id) AS members
         FROM workspaces w ORDER BY w.created_at, w.id`,
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at.toISOString(),
      users: r.users,
      admins: r.admins ?? [],
      members: r.members ?? [],
    }));
  }

  /**
   * Creates a workspace with default settings and its first admin, whose
   * generated password is returned once (they change nothing else: the
   * installation admin hands it over).
   */
  async create(
    principal: Principal,
    input: NewWorkspace,
  ): Promise<{ workspace: WorkspaceSummary; adminEmail: string; temporaryPassword: string }> {
    await this.requireInstallationAdmin(principal);
    const temporaryPassword = randomBytes(12).toString('base64url');
    return this.dataSource.transaction(async (manager) => {
      const workspace = await manager.getRepository(Workspace).save({ name: input.name, settings: {} });
      const admin = await this.users.create(
        workspace.id,
        { email: input.admin.email, password: temporaryPassword, role: 'admin', displayName: input.admin.displayName },
        principal,
        manager,
      );
      const details = { name: input.name, adminEmail: admin.email };
      for (const workspaceId of new Set([principal.workspaceId, workspace.id])) {
        await this.audit.record(
          {
            workspaceId,
            actorUserId: principal.userId,
            action: 'workspace.created',
            subjectType: 'workspace',
            subjectId: workspace.id,
            details,
          },
          manager,
        );
      }
      return {
        workspace: {
          id: workspace.id,
          name: workspace.name,
          createdAt: workspace.createdAt.toISOString(),
          users: 1,
          admins: [admin.email],
          members: [],
        },
        adminEmail: admin.email,
        temporaryPassword,
      };
    });
  }

  /**
   * Adds an existing user (of any workspace) to `workspaceId` with `role`
   * there. Audited in that workspace and in the installation admin's.
   */
  async addMember(principal: Principal, workspaceId: string, input: { email: string; role: UserRole }): Promise<WorkspaceSummary> {
    await this.requireInstallationAdmin(principal);
    const email = input.email.trim().toLowerCase();
    await this.dataSource.transaction(async (manager) => {
      const workspace = await sqlRow(manager, z.object({ id: z.string() }), 'SELECT id FROM workspaces WHERE id = $1', [workspaceId]);
      if (!workspace) throw new NotFoundException('No such workspace.');
      const user = await sqlRow(
        manager,
        z.object({ id: z.string(), workspace_id: z.string() }),
        'SELECT id, workspace_id FROM users WHERE email = $1 AND disabled_at IS NULL',
        [email],
      );
      if (!user) throw new NotFoundException(`email: no active user has the email ${email}.`);
      if (user.workspace_id === workspaceId) throw new ConflictException(`${email} already works in this workspace (it is their own).`);
      const added = await sqlRows(
        manager,
        z.object({ user_id: z.string() }),
        `INSERT INTO workspace_memberships (workspace_id, user_id, role, created_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id, user_id) DO NOTHING RETURNING user_id`,
        [workspaceId, user.id, input.role, principal.userId],
      );
      if (added.length === 0) throw new ConflictException(`${email} is already a member of this workspace.`);
      for (const target of new Set([principal.workspaceId, workspaceId])) {
        await this.audit.record(
          {
            workspaceId: target,
            actorUserId: principal.userId,
            action: 'workspace.member_added',
            subjectType: 'user',
            subjectId: user.id,
            details: { workspaceId, email, role: input.role },
          },
          manager,
        );
      }
    });
    return this.summary(workspaceId);
  }

  /**
   * Removes a user added to `workspaceId`. Their sessions working there move
   * back to their own workspace in the same transaction, so their next
   * request sees nothing of this one.
   */
  async removeMember(principal: Principal, workspaceId: string, userId: string): Promise<WorkspaceSummary> {
    await this.requireInstallationAdmin(principal);
    await this.dataSource.transaction(async (manager) => {
      await lockWorkspaceAdmins(manager, [workspaceId]);
      const removed = await sqlRow(
        manager,
        z.object({ role: z.enum(USER_ROLES), email: z.string(), home: z.string(), disabled: z.boolean() }),
        `WITH gone AS (DELETE FROM workspace_memberships WHERE workspace_id = $1 AND user_id = $2 RETURNING user_id, role)
         SELECT gone.role, u.email, u.workspace_id AS home, u.disabled_at IS NOT NULL AS disabled FROM gone JOIN users u ON u.id = gone.user_id`,
        [workspaceId, userId],
      );
      if (!removed) throw new NotFoundException('That user is not a member added to this workspace.');
      // Counted after the removal, in the same transaction: a refusal rolls it back.
      const refusal = refuseMemberRemoval(removed, await otherActiveAdmins(manager, workspaceId, userId));
      if (refusal) throw new ConflictException(refusal);
      await manager.query('UPDATE sessions SET workspace_id = $3 WHERE user_id = $1 AND workspace_id = $2', [
        userId,
        workspaceId,
        removed.home,
      ]);
      for (const target of new Set([principal.workspaceId, workspaceId])) {
        await this.audit.record(
          {
            workspaceId: target,
            actorUserId: principal.userId,
            action: 'workspace.member_removed',
            subjectType: 'user',
            subjectId: userId,
            details: { workspaceId, email: removed.email, role: removed.role },
          },
          manager,
        );
      }
    });
    return this.summary(workspaceId);
  }

  private async summary(workspaceId: string): Promise<WorkspaceSummary> {
    const all = await this.listAll();
    const found = all.find((w) => w.id === workspaceId);
    if (!found) throw new NotFoundException('No such workspace.');
    return found;
  }
}
