import { createHash } from 'node:crypto';
import { BUNDLED_MEDIA } from './bundled-media';
import type { MediaType } from './send-request';
import { newGraphId } from './wire-ids';

export interface MediaFile {
  id: string;
  mimeType: string;
  /** Base64 SHA-256 of the bytes, as Meta reports it. */
  sha256: string;
  bytes: Buffer;
  filename: string | null;
}

/** Media by id: the bundled files and whatever the business uploaded. */
export class MediaStore {
  private readonly files = new Map<string, MediaFile>();
  private readonly defaults = new Map<MediaType, string>();

  constructor() {
    for (const file of BUNDLED_MEDIA) {
      this.put(file.id, Buffer.from(file.base64, 'base64'), file.mimeType, file.filename);
      this.defaults.set(file.kind, file.id);
    }
  }

  private put(id: string, bytes: Buffer, mimeType: string, filename: string | null): MediaFile {
    const file = { id, mimeType, bytes, filename, sha256: createHash('sha256').update(bytes).digest('base64') };
    this.files.set(id, file);
    return file;
  }

  upload(bytes: Buffer, mimeType: string, filename: string | null): MediaFile {
    return this.put(newGraphId(), bytes, mimeType, filename);
  }

  get(id: string): MediaFile | undefined {
    return this.files.get(id);
  }

  /** The bundled file a customer sends when no media id is given. */
  defaultFor(kind: MediaType): MediaFile | undefined {
    const id = this.defaults.get(kind);
    return id === undefined ? undefined : this.files.get(id);
  }
}
