import { ForbiddenException, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { UsersService } from '../users/users.service';
import { Workspace } from './workspace.entity';

export interface WorkspaceSummary {
  id: string;
  name: string;
  createdAt: string;
  users: number;
  admins: string[];
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
    const rows = await sqlRows(
      this.dataSource,
      summaryRow,
      `SELECT w.id, w.name, w.created_at,
              (SELECT count(*) FROM users u WHERE u.workspace_id = w.id AND u.disabled_at IS NULL) AS users,
              (SELECT array_agg(u.email ORDER BY u.email) FROM users u
                WHERE u.workspace_id = w.id AND u.role = 'admin' AND u.disabled_at IS NULL) AS admins
         FROM workspaces w ORDER BY w.created_at, w.id`,
    );
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at.toISOString(), users: r.users, admins: r.admins ?? [] }));
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
        },
        adminEmail: admin.email,
        temporaryPassword,
      };
    });
  }
}
