import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { downloadGraphMedia } from '@parley/whatsapp';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../../common/clock';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { sqlRow, sqlRows } from '../../database/sql-rows';
import { WhatsAppNumbersService } from '../../whatsapp/whatsapp-numbers.service';
import { ConversationLedgerService } from '../conversation-ledger.service';
import { fitImage, MAX_IMAGE_BYTES, thumbnailOf } from './image-processing';
import { baseMimeType, MAX_KEPT_BYTES, type MediaKind, MEDIA_KINDS, mediaProblem } from './media-kinds';
import { MediaStorage } from './media-storage';

export const MEDIA_CHANNEL = 'parley_media';
const MAX_ATTEMPTS = 6;
const BATCH = 8;

const dueRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  message_id: z.string().nullable(),
  whatsapp_number_id: z.string(),
  kind: z.enum(MEDIA_KINDS),
  meta_media_id: z.string().nullable(),
  sha256: z.string().nullable(),
  attempts: z.number(),
  simulated: z.boolean(),
});

type Outcome =
  | { status: 'stored'; bytes: Buffer; mimeType: string; thumbnail: Buffer | null; note: string | null }
  | { status: 'rejected' | 'failed'; error: string }
  | { status: 'retry'; error: string };

/** Whether `bytes` match the hash Meta gave (hex or base64 of SHA-256); a missing hash matches. */
export function hashMatches(bytes: Buffer, expected: string | null): boolean {
  if (expected === null || expected === '') return true;
  const digest = createHash('sha256').update(bytes).digest();
  return expected === digest.toString('hex') || expected === digest.toString('base64');
}

/**
 * Keeps what customers send: each media file is fetched from the Cloud API as
 * soon as its message is stored (Meta's URLs expire within minutes and need
 * the number's token), checked (type, size, hash), images over 5 MB
 * recompressed to JPEG, a thumbnail made for images and stickers, and the
 * bytes written to the media storage. A passing failure is tried again
 * (exponential backoff, 6 attempts); a file of the wrong type or size is
 * `rejected` and not kept.
 */
@Injectable()
export class MediaFetcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MediaFetcher');
  private listener: Client | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly numbers: WhatsAppNumbersService,
    private readonly storage: MediaStorage,
    private readonly ledger: ConversationLedgerService,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // API-only processes serve files; the processes that do work fetch them.
    if (this.config.ENGINE_ROLE === 'api') return;
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'parley-media' });
    client.on('notification', () => void this.fetchDue());
    client.on('error', (error) => {
      this.logger.warn(`Media listener lost its connection: ${error.message}`);
      if (this.listener === client) this.listener = null;
    });
    await client.connect();
    await client.query(`LISTEN ${MEDIA_CHANNEL}`);
    this.listener = client;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running;
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }

  /** Fetches every file that is due, a few at a time; concurrent calls share one run. */
  fetchDue(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const claimed = await this.claim();
          await Promise.all(claimed.map((row) => this.fetchOne(row)));
          if (claimed.length === BATCH) this.again = true;
        } while (this.again);
      } catch (error) {
        this.logger.warn(`Media fetching failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Takes due files for this process (others skip them) and pushes their next attempt back meanwhile. */
  private async claim(): Promise<z.infer<typeof dueRow>[]> {
    const now = this.clock.now();
    return sqlRows(
      this.dataSource,
      dueRow,
      `WITH due AS (
         SELECT id FROM media_files WHERE status = 'pending' AND next_attempt_at <= $1
          ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE media_files f SET attempts = f.attempts + 1, next_attempt_at = $3
         FROM due, messages m, contacts c
        WHERE f.id = due.id AND m.id = f.message_id AND c.id = m.contact_id
       RETURNING f.id, f.workspace_id, f.message_id, f.whatsapp_number_id, f.kind, f.meta_media_id, f.sha256, f.attempts, c.simulated`,
      [now, BATCH, new Date(now.getTime() + 120_000)],
    );
  }

  private async fetchOne(row: z.infer<typeof dueRow>): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.download(row);
    } catch (error) {
      outcome = { status: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
    if (outcome.status === 'retry' && row.attempts >= MAX_ATTEMPTS)
      outcome = { status: 'failed', error: `${outcome.error} (gave up after ${row.attempts} attempts)` };
    const storageKey = `${row.workspace_id}/${row.id}`;
    if (outcome.status === 'stored') {
      await this.storage.put(storageKey, outcome.bytes, outcome.mimeType);
      if (outcome.thumbnail) await this.storage.put(`${storageKey}.thumb`, outcome.thumbnail, 'image/jpeg');
    }
    await this.dataSource.transaction(async (manager) => {
      if (outcome.status === 'stored') {
        await manager.query(
          `UPDATE media_files SET status = 'stored', mime_type = $2, size_bytes = $3, storage_key = $4, thumbnail_key = $5, stored_at = $6, error = $7
            WHERE id = $1`,
          [
            row.id,
            outcome.mimeType,
            outcome.bytes.length,
            storageKey,
            outcome.thumbnail ? `${storageKey}.thumb` : null,
            this.clock.now(),
            outcome.note,
          ],
        );
      } else if (outcome.status === 'retry') {
        const backoffMs = 5000 * 2 ** (row.attempts - 1);
        await manager.query(`UPDATE media_files SET error = $2, next_attempt_at = $3 WHERE id = $1`, [
          row.id,
          outcome.error.slice(0, 500),
          new Date(this.clock.now().getTime() + backoffMs),
        ]);
        return;
      } else {
        await manager.query(`UPDATE media_files SET status = $2, error = $3 WHERE id = $1`, [
          row.id,
          outcome.status,
          outcome.error.slice(0, 500),
        ]);
        this.logger.warn(
          { event: 'media.not_kept', mediaId: row.id, workspaceId: row.workspace_id, status: outcome.status },
          'A customer’s file was not kept',
        );
      }
      if (row.message_id) await this.ledger.messageUpdated(manager, row.message_id);
    });
  }

  private async download(row: z.infer<typeof dueRow>): Promise<Outcome> {
    if (row.meta_media_id === null) return { status: 'failed', error: 'the message names no media id' };
    const credentials = await this.numbers.credentials(row.whatsapp_number_id);
    if (!credentials) return { status: 'failed', error: 'the WhatsApp number is gone' };
    const baseUrl = row.simulated ? this.config.SIMULATOR_URL : this.config.WHATSAPP_API_BASE_URL;
    if (baseUrl === undefined) return { status: 'failed', error: 'this file is at the WhatsApp simulator, and this installation has none' };
    const result = await downloadGraphMedia(
      {
        baseUrl,
        apiVersion: this.config.WHATSAPP_API_VERSION,
        accessToken: credentials.accessToken,
        timeoutMs: this.config.WHATSAPP_SEND_TIMEOUT_MS,
      },
      row.meta_media_id,
      MAX_KEPT_BYTES,
    );
    if (result.kind === 'failed')
      return result.retryable ? { status: 'retry', error: result.reason } : { status: 'failed', error: result.reason };
    if (result.kind === 'too_large')
      return { status: 'rejected', error: `the file is ${Math.round(result.size / 1024 / 1024)} MB, more than Parley keeps` };
    if (!hashMatches(result.bytes, result.sha256 ?? row.sha256))
      return { status: 'retry', error: 'the bytes do not match the SHA-256 Meta gave' };
    return this.check(row.kind, result.bytes, result.mimeType);
  }

  /** Type and size checks; images over 5 MB (or not JPEG/PNG) become JPEG; images and stickers get a thumbnail. */
  private async check(kind: MediaKind, bytes: Buffer, mimeType: string): Promise<Outcome> {
    if (kind === 'image') {
      const fitted = await fitImage(bytes, baseMimeType(mimeType), MAX_IMAGE_BYTES);
      if (!fitted) return { status: 'rejected', error: `not an image Parley can read (${baseMimeType(mimeType)})` };
      return {
        status: 'stored',
        bytes: fitted.bytes,
        mimeType: fitted.mimeType,
        thumbnail: await thumbnailOf(fitted.bytes),
        note: fitted.recompressed
          ? `recompressed to JPEG from ${(bytes.length / 1024 / 1024).toFixed(1)} MB ${baseMimeType(mimeType)}`
          : null,
      };
    }
    const problem = mediaProblem(kind, mimeType, bytes.length);
    if (problem) return { status: 'rejected', error: problem };
    return {
      status: 'stored',
      bytes,
      mimeType: baseMimeType(mimeType),
      thumbnail: kind === 'sticker' ? await thumbnailOf(bytes) : null,
      note: null,
    };
  }

  /** Removes the stored bytes of media rows about to be deleted (history pruning). */
  async forget(keys: readonly (string | null)[]): Promise<void> {
    for (const key of keys) if (key) await this.storage.delete(key).catch(() => undefined);
  }

  /** For tests and tools: a stored file's bytes. */
  async read(
    workspaceId: string,
    mediaId: string,
    variant: 'original' | 'thumbnail',
  ): Promise<{ bytes: Buffer; mimeType: string; filename: string | null; kind: string } | null> {
    const row = await sqlRow(
      this.dataSource,
      z.object({
        storage_key: z.string().nullable(),
        thumbnail_key: z.string().nullable(),
        mime_type: z.string().nullable(),
        filename: z.string().nullable(),
        kind: z.string(),
      }),
      `SELECT storage_key, thumbnail_key, mime_type, filename, kind FROM media_files WHERE id = $1 AND workspace_id = $2 AND status = 'stored'`,
      [mediaId, workspaceId],
    );
    const key = variant === 'thumbnail' ? row?.thumbnail_key : row?.storage_key;
    if (!row || !key) return null;
    const bytes = await this.storage.get(key);
    if (!bytes) return null;
    return {
      bytes,
      mimeType: variant === 'thumbnail' ? 'image/jpeg' : (row.mime_type ?? 'application/octet-stream'),
      filename: row.filename,
      kind: row.kind,
    };
  }
}
