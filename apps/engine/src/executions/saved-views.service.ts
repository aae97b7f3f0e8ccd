import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { sqlRow, sqlRows } from '../database/sql-rows';

const viewRow = z.object({ id: z.string(), name: z.string(), query: z.string(), created_at: z.date() });

function view(row: z.infer<typeof viewRow>) {
  return { id: row.id, name: row.name, query: row.query, createdAt: row.created_at.toISOString() };
}

/** A person's named explorer filters (the URL query of /executions), private to them. */
@Injectable()
export class SavedViewsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(principal: Principal) {
    const rows = await sqlRows(
      this.dataSource,
      viewRow,
      'SELECT id, name, query, created_at FROM saved_execution_views WHERE workspace_id = $1 AND user_id = $2 ORDER BY name',
      [principal.workspaceId, principal.userId],
    );
    return rows.map(view);
  }

  async save(principal: Principal, name: string, query: string) {
    const row = await sqlRow(
      this.dataSource,
      viewRow,
      `INSERT INTO saved_execution_views (workspace_id, user_id, name, query) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, name) DO NOTHING RETURNING id, name, query, created_at`,
      [principal.workspaceId, principal.userId, name, query],
    );
    if (!row) throw new ConflictException(`name: you already have a view called "${name}".`);
    return view(row);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const row = await sqlRow(
      this.dataSource,
      z.object({ id: z.string() }),
      'DELETE FROM saved_execution_views WHERE id = $1 AND workspace_id = $2 AND user_id = $3 RETURNING id',
      [id, principal.workspaceId, principal.userId],
    );
    if (!row) throw new NotFoundException('No such saved view of yours.');
  }
}
