import {
  BadGatewayException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { uploadGraphMedia } from '@parley/whatsapp';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Principal } from '../../auth/principal';
import { Clock } from '../../common/clock';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { sqlRow } from '../../database/sql-rows';
import { WhatsAppNumbersService } from '../../whatsapp/whatsapp-numbers.service';
import { fitImage, thumbnailOf } from './image-processing';
import { baseMimeType, type MediaKind, mediaProblem } from './media-kinds';
import { MediaStorage } from './media-storage';

export interface UploadedMedia {
  id: string;
  kind: MediaKind;
  mimeType: string;
  sizeBytes: number;
  filename: string;
  recompressed: boolean;
}

function refuse(message: string, code: string, path: string): UnprocessableEntityException {
  return new UnprocessableEntityException({ message, code, issues: [{ in: path === 'body' ? 'body' : 'query', path, message }] });
}

/**
 * An agent's file for a conversation: checked against Meta's limits for its
 * kind (images over 5 MB, or not JPEG/PNG, are recompressed to JPEG first),
 * uploaded to the Cloud API media endpoint of the conversation's number, and
 * kept by Parley so the conversation can show it. Nothing is stored unless
 * WhatsApp accepted the file.
 */
@Injectable()
export class MediaUploadService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly numbers: WhatsAppNumbersService,
    private readonly storage: MediaStorage,
    private readonly clock: Clock,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  async upload(
    principal: Principal,
    conversationId: string,
    input: { kind: MediaKind; filename: string; contentType: string; bytes: Buffer },
  ): Promise<UploadedMedia> {
    const conversation = await sqlRow(
      this.dataSource,
      z.object({ whatsapp_number_id: z.string(), simulated: z.boolean() }),
      `SELECT c.whatsapp_number_id, ct.simulated FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = $1 AND c.workspace_id = $2`,
      [conversationId, principal.workspaceId],
    );
    if (!conversation) throw new NotFoundException('No such conversation in this workspace.');
    if (input.bytes.length === 0) throw refuse('The file is empty.', 'empty_file', 'body');
    let bytes = input.bytes;
    let mimeType = baseMimeType(input.contentType);
    let recompressed = false;
    if (input.kind === 'image') {
      const fitted = await fitImage(bytes, mimeType);
      if (!fitted) throw refuse('The file is not an image Parley can read.', 'not_an_image', 'body');
      ({ bytes, mimeType, recompressed } = fitted);
    }
    const problem = mediaProblem(input.kind, mimeType, bytes.length);
    if (problem) throw refuse(`WhatsApp does not take this file: ${problem}.`, 'media_refused', 'content-type');
    const filename = recompressed ? input.filename.replace(/\.[^.]*$/, '') + '.jpg' : input.filename;

    const credentials = await this.numbers.credentials(conversation.whatsapp_number_id);
    const baseUrl = conversation.simulated ? this.config.SIMULATOR_URL : this.config.WHATSAPP_API_BASE_URL;
    if (!credentials || baseUrl === undefined)
      throw refuse('The conversation’s WhatsApp number cannot take uploads here.', 'no_number', 'body');
    const uploaded = await uploadGraphMedia(
      {
        baseUrl,
        apiVersion: this.config.WHATSAPP_API_VERSION,
        phoneNumberId: credentials.number.phoneNumberId,
        accessToken: credentials.accessToken,
        timeoutMs: this.config.WHATSAPP_SEND_TIMEOUT_MS,
      },
      { bytes, mimeType, filename },
    );
    if (uploaded.kind === 'failed') {
      if (uploaded.code === null)
        throw new BadGatewayException({ message: `WhatsApp could not be reached: ${uploaded.reason}`, code: 'whatsapp_unreachable' });
      throw refuse(`WhatsApp refused the file: ${uploaded.reason}`, 'media_refused', 'body');
    }
    const id = await sqlRow(this.dataSource, z.object({ id: z.string() }), 'SELECT gen_random_uuid()::text AS id');
    if (!id) throw new Error('no uuid');
    const key = `${principal.workspaceId}/${id.id}`;
    const thumbnail = input.kind === 'image' ? await thumbnailOf(bytes) : null;
    try {
      await this.storage.put(key, bytes, mimeType);
      if (thumbnail) await this.storage.put(`${key}.thumb`, thumbnail, 'image/jpeg');
    } catch {
      throw new ServiceUnavailableException({ message: 'The media storage is not available; try again.', code: 'storage_unavailable' });
    }
    await this.dataSource.query(
      `INSERT INTO media_files (id, workspace_id, whatsapp_number_id, direction, kind, meta_media_id, mime_type, size_bytes, sha256, filename,
                                storage_key, thumbnail_key, status, uploaded_by_user_id, stored_at)
       VALUES ($1, $2, $3, 'outbound', $4, $5, $6, $7, $8, $9, $10, $11, 'stored', $12, $13)`,
      [
        id.id,
        principal.workspaceId,
        conversation.whatsapp_number_id,
        input.kind,
        uploaded.id,
        mimeType,
        bytes.length,
        createHash('sha256').update(bytes).digest('hex'),
        filename,
        key,
        thumbnail ? `${key}.thumb` : null,
        principal.userId,
        this.clock.now(),
      ],
    );
    return { id: id.id, kind: input.kind, mimeType, sizeBytes: bytes.length, filename, recompressed };
  }
}
