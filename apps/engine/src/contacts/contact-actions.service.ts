import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { sqlRow, sqlRows } from '../database/sql-rows';
import { EventWriterService } from '../events/event-writer.service';

export interface ContactScope {
  workspaceId: string;
  contactId: string;
  /** Who changed it, for the contact events ("flow:<id>", "user:<id>", "api"). */
  source: string;
}

export const PROFILE_FIELDS = ['firstName', 'lastName', 'email'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
const PROFILE_COLUMNS = { firstName: 'first_name', lastName: 'last_name', email: 'email' } as const;

/**
 * Changes to a contact's tags, fields, list and owner. Each real change is
 * also recorded as a contact event, so flows can react to it ("tag added").
 */
@Injectable()
export class ContactActionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventWriterService,
    private readonly clock: Clock,
  ) {}

  /** Runs `work` in the caller's transaction, or in a new one. */
  private within<T>(manager: EntityManager | undefined, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return manager ? work(manager) : this.dataSource.transaction(work);
  }

  async addTags(scope: ContactScope, tags: readonly string[], outer?: EntityManager): Promise<string[]> {
    const unique = [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))];
    const added = await this.within(outer, async (manager) => {
      const rows = await sqlRows(
        manager,
        z.object({ tag: z.string() }),
        `INSERT INTO contact_tags (workspace_id, contact_id, tag)
         SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING RETURNING tag`,
        [scope.workspaceId, scope.contactId, unique],
      );
      for (const { tag } of rows) {
        await this.events.record(
          {
            workspaceId: scope.workspaceId,
            contactId: scope.contactId,
            type: 'contact.tag_added',
            source: 'contact',
            payload: { tag, source: scope.source },
          },
          manager,
        );
      }
      return rows.map((r) => r.tag);
    });
    return added;
  }

  async removeTags(scope: ContactScope, tags: readonly string[], outer?: EntityManager): Promise<string[]> {
    return this.within(outer, async (manager) => {
      const rows = await sqlRows(
        manager,
        z.object({ tag: z.string() }),
        'DELETE FROM contact_tags WHERE contact_id = $1 AND workspace_id = $2 AND tag = ANY($3) RETURNING tag',
        [scope.contactId, scope.workspaceId, [...tags]],
      );
      for (const { tag } of rows) {
        await this.events.record(
          {
            workspaceId: scope.workspaceId,
            contactId: scope.contactId,
            type: 'contact.tag_removed',
            source: 'contact',
            payload: { tag, source: scope.source },
          },
          manager,
        );
      }
      return rows.map((r) => r.tag);
    });
  }

  /**
   * Changes the contact's names and email (the fields a connected CRM keeps
   * in step: the contacts trigger puts each change in the CRM outbox).
   * Returns the fields that changed.
   */
  async setProfile(
    scope: ContactScope,
    changes: Partial<Record<ProfileField, string | null>>,
    outer?: EntityManager,
  ): Promise<ProfileField[]> {
    return this.within(outer, async (manager) => {
      const current = await sqlRow(
        manager,
        z.object({ first_name: z.string().nullable(), last_name: z.string().nullable(), email: z.string().nullable() }),
        'SELECT first_name, last_name, email FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE',
        [scope.contactId, scope.workspaceId],
      );
      if (!current) throw new Error(`contact ${scope.contactId} not found`);
      const changed: ProfileField[] = [];
      for (const field of PROFILE_FIELDS) {
        const value = changes[field];
        const column = PROFILE_COLUMNS[field];
        if (value === undefined || current[column] === value) continue;
        await manager.query(`UPDATE contacts SET ${column} = $3, updated_at = $4 WHERE id = $1 AND workspace_id = $2`, [
          scope.contactId,
          scope.workspaceId,
          value,
          this.clock.now(),
        ]);
        await this.events.record(
          {
            workspaceId: scope.workspaceId,
            contactId: scope.contactId,
            type: 'contact.field_changed',
            source: 'contact',
            payload: { field: column, oldValue: current[column], newValue: value, source: scope.source },
          },
          manager,
        );
        changed.push(field);
      }
      return changed;
    });
  }

  async setField(
    scope: ContactScope,
    field: string,
    value: unknown,
    outer?: EntityManager,
  ): Promise<{ changed: boolean; oldValue: unknown }> {
    return this.within(outer, async (manager) => {
      const current = await sqlRow(
        manager,
        z.object({ value: z.unknown() }),
        'SELECT fields -> $3 AS value FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE',
        [scope.contactId, scope.workspaceId, field],
      );
      if (!current) throw new Error(`contact ${scope.contactId} not found`);
      const oldValue = current.value ?? null;
      if (JSON.stringify(oldValue) === JSON.stringify(value)) return { changed: false, oldValue };
      await manager.query(
        `UPDATE contacts SET fields = fields || jsonb_build_object($3::text, $4::jsonb), updated_at = $5 WHERE id = $1 AND workspace_id = $2`,
        [scope.contactId, scope.workspaceId, field, JSON.stringify(value), this.clock.now()],
      );
      await this.events.record(
        {
          workspaceId: scope.workspaceId,
          contactId: scope.contactId,
          type: 'contact.field_changed',
          source: 'contact',
          payload: { field, oldValue, newValue: value, source: scope.source },
        },
        manager,
      );
      return { changed: true, oldValue };
    });
  }

  async moveToList(scope: ContactScope, list: string | null): Promise<{ changed: boolean; previous: string | null }> {
    return this.dataSource.transaction(async (manager) => {
      const row = await sqlRow(
        manager,
        z.object({ list: z.string().nullable() }),
        'SELECT list FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE',
        [scope.contactId, scope.workspaceId],
      );
      if (!row) throw new Error(`contact ${scope.contactId} not found`);
      if (row.list === list) return { changed: false, previous: row.list };
      await manager.query('UPDATE contacts SET list = $3, updated_at = $4 WHERE id = $1 AND workspace_id = $2', [
        scope.contactId,
        scope.workspaceId,
        list,
        this.clock.now(),
      ]);
      return { changed: true, previous: row.list };
    });
  }

  async assign(scope: ContactScope, userId: string | null): Promise<void> {
    if (userId !== null) {
      const member = await sqlRow(
        this.dataSource,
        z.object({ id: z.string() }),
        'SELECT id FROM users WHERE id = $1 AND workspace_id = $2 AND disabled_at IS NULL',
        [userId, scope.workspaceId],
      );
      if (!member) throw new Error(`user ${userId} is not an active member of this workspace`);
    }
    await this.dataSource.query('UPDATE contacts SET assigned_user_id = $3, updated_at = $4 WHERE id = $1 AND workspace_id = $2', [
      scope.contactId,
      scope.workspaceId,
      userId,
      this.clock.now(),
    ]);
  }
}
