import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { sqlRow } from '../database/sql-rows';
import { IntentMatcher } from '../runtime/intent-matcher';
import { SentimentScorer } from '../runtime/sentiment-scorer';
import { readWorkspaceSettings, type WorkspaceSettings, workspaceSettingsSchema } from './workspace-settings';

export interface WorkspaceRuntimeSettings {
  settings: WorkspaceSettings;
  intents: IntentMatcher;
  sentiment: SentimentScorer;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A change replaces the fields it names; nested groups (e.g. messaging.quietHours) merge, so one field can change alone. */
function mergeSettings(current: unknown, change: unknown): unknown {
  if (!isPlainObject(current) || !isPlainObject(change)) return change === undefined ? current : change;
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(change)) {
    // Intents are a map of lists the user replaces as a whole.
    merged[key] = key === 'intents' ? value : mergeSettings(current[key], value);
  }
  return merged;
}

/** Settings change rarely; a short cache keeps them off the hot path while edits show up within seconds. */
const CACHE_MS = 5000;

@Injectable()
export class WorkspaceSettingsService {
  private readonly cache = new Map<string, { at: number; value: WorkspaceRuntimeSettings }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async get(workspaceId: string): Promise<WorkspaceRuntimeSettings> {
    const cached = this.cache.get(workspaceId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.value;
    const row = await sqlRow(this.dataSource, z.object({ settings: z.unknown() }), 'SELECT settings FROM workspaces WHERE id = $1', [
      workspaceId,
    ]);
    if (!row) throw new NotFoundException('No such workspace.');
    const settings = readWorkspaceSettings(row.settings);
    const value = { settings, intents: new IntentMatcher(settings), sentiment: new SentimentScorer(settings.sentimentWords) };
    this.cache.set(workspaceId, { at: Date.now(), value });
    return value;
  }

  async update(principal: Principal, change: unknown): Promise<WorkspaceSettings> {
    const current = (await this.get(principal.workspaceId)).settings;
    const merged = workspaceSettingsSchema.parse(mergeSettings(current, change));
    await this.dataSource.query('UPDATE workspaces SET settings = $2 WHERE id = $1', [principal.workspaceId, JSON.stringify(merged)]);
    this.cache.delete(principal.workspaceId);
    await this.audit.record({
      workspaceId: principal.workspaceId,
      actorUserId: principal.userId,
      action: 'workspace.settings_updated',
      subjectType: 'workspace',
      subjectId: principal.workspaceId,
      details: { fields: typeof change === 'object' && change !== null ? Object.keys(change) : [] },
    });
    return merged;
  }
}
