/** Where Parley keeps media files: a local folder (embedded mode) or S3-compatible object storage. */
export abstract class MediaStorage {
  abstract put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The file's bytes, or null when it is not there. */
  abstract get(key: string): Promise<Buffer | null>;
  abstract delete(key: string): Promise<void>;
  /** For logs and docs: "folder /…" or "s3 bucket …". */
  abstract describe(): string;
}
