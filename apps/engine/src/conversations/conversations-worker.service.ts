import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { PeriodicTask } from '../common/periodic-task';
import { sqlRows } from '../database/sql-rows';
import { WorkspaceSettingsService } from '../workspaces/workspace-settings.service';
import { foldCountChanges } from './conversation-counts';
import { ConversationLedgerService } from './conversation-ledger.service';
import { pruneCutoff } from './history-retention';
import { MediaFetcherService } from './media/media-fetcher.service';

const INTERVAL_MS = 5000;
/** Stream events older than this are dropped: a client away longer reloads instead of catching up. */
const STREAM_KEEP_MS = 24 * 3_600_000;
/** History pruning runs at most this often per process. */
const PRUNE_EVERY_MS = 3_600_000;
/** Conversations a snooze check wakes per round. */
const WAKE_BATCH = 200;

/**
 * Background work of the support console, in processes that do work (roles
 * worker and all): snoozes that end, media to fetch (also woken by a
 * notification as each arrives), tab count changes to fold, history beyond the retention period (each
 * conversation keeps its last 50 messages), and old stream events.
 */
@Injectable()
export class ConversationsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ConversationsWorker');
  private readonly task = new PeriodicTask(this.logger, 'Conversations upkeep failed');
  private lastPrune = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: ConversationLedgerService,
    private readonly settings: WorkspaceSettingsService,
    private readonly media: MediaFetcherService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(INTERVAL_MS, () => this.runOnce());
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  /** One round of upkeep (tests call it after moving the clock). */
  async runOnce(): Promise<void> {
    while ((await this.dataSource.transaction((manager) => this.ledger.wakeSnoozed(manager, WAKE_BATCH))) === WAKE_BATCH);
    await this.media.fetchDue();
    await this.dataSource.transaction((manager) => foldCountChanges(manager));
    await this.dataSource.query('DELETE FROM stream_events WHERE created_at < $1 AND seq IS NOT NULL', [
      new Date(this.clock.now().getTime() - STREAM_KEEP_MS),
    ]);
    if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = Date.now();
      await this.pruneHistory();
    }
  }

  /** Deletes messages past each workspace's retention, never a conversation's last 50. Returns how many went. */
  async pruneHistory(): Promise<number> {
    const workspaces = await sqlRows(this.dataSource, z.object({ id: z.string() }), 'SELECT id FROM workspaces');
    let pruned = 0;
    const keys: (string | null)[] = [];
    for (const { id } of workspaces) {
      const { settings } = await this.settings.get(id);
      const cutoff = pruneCutoff(this.clock.now(), settings.inbox.historyRetentionDays);
      pruned += await this.dataSource.transaction(async (manager) => {
        const doomed = await sqlRows(
          manager,
          z.object({ id: z.string() }),
          `SELECT m.id FROM messages m
            WHERE m.workspace_id = $1 AND m.occurred_at < $2 AND m.conversation_id IS NOT NULL
              AND m.id NOT IN (SELECT k.id FROM messages k WHERE k.conversation_id = m.conversation_id ORDER BY k.occurred_at DESC, k.id DESC LIMIT $3)
            LIMIT 5000`,
          [id, cutoff, KEEP_LAST],
        );
        if (doomed.length === 0) return 0;
        const ids = doomed.map((d) => d.id);
        const files = await sqlRows(
          manager,
          z.object({ storage_key: z.string().nullable(), thumbnail_key: z.string().nullable() }),
          'SELECT storage_key, thumbnail_key FROM media_files WHERE message_id = ANY($1)',
          [ids],
        );
        keys.push(...files.flatMap((f) => [f.storage_key, f.thumbnail_key]));
        await manager.query('DELETE FROM message_changes WHERE message_id = ANY($1)', [ids]);
        await manager.query('UPDATE conversations SET last_message_id = NULL WHERE last_message_id = ANY($1)', [ids]);
        await manager.query('DELETE FROM media_files WHERE message_id = ANY($1)', [ids]);
        await manager.query('DELETE FROM messages WHERE id = ANY($1)', [ids]);
        return ids.length;
      });
    }
    // The bytes go once their rows are gone for good.
    await this.media.forget(keys);
    if (pruned > 0) this.logger.log({ event: 'history.pruned', messages: pruned }, 'Pruned conversation history past its retention');
    return pruned;
  }
}

/** Each conversation keeps at least its last this many messages, however old. */
export const KEEP_LAST = 50;
