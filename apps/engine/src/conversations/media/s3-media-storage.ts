import { AwsClient } from 'aws4fetch';
import { MediaStorage } from './media-storage';

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Media in S3-compatible object storage (AWS S3, MinIO, Cloudflare R2...),
 * addressed by path (`endpoint/bucket/key`), each request signed with AWS
 * Signature V4 by aws4fetch.
 */
export class S3MediaStorage extends MediaStorage {
  private readonly client: AwsClient;
  private readonly base: string;

  constructor(private readonly settings: S3Settings) {
    super();
    this.client = new AwsClient({
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      region: settings.region,
      service: 's3',
    });
    this.base = `${settings.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(settings.bucket)}`;
  }

  private url(key: string): string {
    return `${this.base}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    const response = await this.client.fetch(this.url(key), {
      method: 'PUT',
      body: new Uint8Array(bytes),
      headers: { 'content-type': contentType, 'content-length': String(bytes.length) },
    });
    if (!response.ok) throw new Error(`S3 PUT ${key}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
    await response.body?.cancel();
  }

  async get(key: string): Promise<Buffer | null> {
    const response = await this.client.fetch(this.url(key), { method: 'GET' });
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw new Error(`S3 GET ${key}: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    const response = await this.client.fetch(this.url(key), { method: 'DELETE' });
    await response.body?.cancel();
    if (!response.ok && response.status !== 404) throw new Error(`S3 DELETE ${key}: HTTP ${response.status}`);
  }

  describe(): string {
    return `s3 bucket ${this.settings.bucket} at ${this.settings.endpoint}`;
  }
}
