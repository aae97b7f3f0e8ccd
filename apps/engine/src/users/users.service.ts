import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from '../auth/password-hasher';
import type { Principal } from '../auth/principal';
import { User } from './user.entity';
import type { UserRole } from './user-role';

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
}

export function viewUser(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabledAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  async list(workspaceId: string): Promise<UserView[]> {
    const users = await this.dataSource.getRepository(User).find({ where: { workspaceId }, order: { createdAt: 'ASC' } });
    return users.map(viewUser);
  }

  /** Creates a user in `workspaceId`; `actor` is null when the system does it (first admin). */
  async create(workspaceId: string, input: NewUser, actor: Principal | null): Promise<UserView> {
    const email = input.email.trim().toLowerCase();
    const passwordHash = await this.hasher.hash(input.password);
    return this.dataSource.transaction(async (manager) => {
      const existing = await manager.getRepository(User).exists({ where: { email } });
      if (existing) throw new ConflictException(`A user with the email ${email} already exists.`);
      const user = await manager.getRepository(User).save({
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
        manager,
      );
      return viewUser(user);
    });
  }

  async update(principal: Principal, userId: string, change: { role?: UserRole; disabled?: boolean }): Promise<UserView> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const user = await repository.findOne({ where: { id: userId, workspaceId: principal.workspaceId } });
      if (!user) throw new NotFoundException('No such user in this workspace.');
      if (user.id === principal.userId && (change.disabled === true || (change.role !== undefined && change.role !== 'admin'))) {
        throw new ConflictException('You cannot demote or disable yourself; ask another admin.');
      }
      if (change.role !== undefined) user.role = change.role;
      if (change.disabled !== undefined) user.disabledAt = change.disabled ? new Date() : null;
      const saved = await repository.save(user);
      await this.audit.record(
        {
          workspaceId: principal.workspaceId,
          actorUserId: principal.userId,
          action: 'user.updated',
          subjectType: 'user',
          subjectId: user.id,
          details: { ...change },
        },
        manager,
      );
      return viewUser(saved);
    });
  }
}
