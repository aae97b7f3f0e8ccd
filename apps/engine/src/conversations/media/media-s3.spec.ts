import { BUNDLED_MEDIA } from '@parley/whatsapp-simulator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { eventually } from '../../test-support/eventually';
import { arr, obj, str } from '../../test-support/json';
import { S3MediaStorage } from './s3-media-storage';

const CUSTOMER = '393360000042';
const BUCKET = 'parley-media';
// s3rver's fixed account: requests carry an AWS Signature V4 under this key id.
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

/**
 * Media kept in S3-compatible object storage, against a local S3 server
 * (s3rver) that speaks the S3 REST protocol: path-style addressing, object
 * keys, status codes and the Authorization header's key id are exercised as
 * with AWS or MinIO. s3rver does not recompute V4 signatures, so a wrong
 * secret is not caught here.
 */
describe('media of conversations in S3-compatible storage', () => {
  let h: EngineHarness;
  let s3: S3rver;
  let folder: string;
  let endpoint = '';

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'parley-s3-'));
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: folder,
      vhostBuckets: false,
      configureBuckets: [{ name: BUCKET }],
    });
    const address = await s3.run();
    endpoint = `http://127.0.0.1:${address.port}`;
    h = await startEngineHarness({
      env: {
        MEDIA_S3_BUCKET: BUCKET,
        MEDIA_S3_ENDPOINT: endpoint,
        MEDIA_S3_REGION: 'us-east-1',
        MEDIA_S3_ACCESS_KEY_ID: ACCESS_KEY,
        MEDIA_S3_SECRET_ACCESS_KEY: SECRET_KEY,
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await s3?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('keeps a customer’s image in the bucket and serves it from there', async () => {
    const file = BUNDLED_MEDIA.find((f) => f.kind === 'image');
    if (!file) throw new Error('no bundled image');
    await h.simulator.customerSends({
      phoneNumberId: h.workspace.phoneNumberId,
      from: CUSTOMER,
      message: { type: 'image', caption: 'in s3' },
    });
    await h.settle();
    const media = await eventually(async () => {
      const [row] = await h.sql('SELECT c.id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.wa_id = $1', [
        CUSTOMER,
      ]);
      if (!row) return undefined;
      const entries = arr(obj((await h.workspace.admin.get(`/api/conversations/${str(row['id'])}/messages`)).body)['data']).map(obj);
      const found = entries.find((e) => e['type'] === 'image')?.['media'];
      return found && obj(found)['status'] !== 'pending' ? obj(found) : undefined;
    }, 'the image to be kept');
    expect(media).toMatchObject({ status: 'stored', kind: 'image' });

    const original = Buffer.from(file.base64, 'base64');
    const served = await fetch(`${h.url}${str(media['url'])}`, { headers: { authorization: `Bearer ${h.workspace.admin.token ?? ''}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(original)).toBe(true);

    // The bytes are in the bucket (read back with a signed request of our own), with the thumbnail beside them.
    const [stored] = await h.sql(`SELECT storage_key, thumbnail_key FROM media_files WHERE kind = 'image' AND status = 'stored'`);
    const bucket = new S3MediaStorage({
      endpoint,
      bucket: BUCKET,
      region: 'us-east-1',
      accessKeyId: ACCESS_KEY,
      secretAccessKey: SECRET_KEY,
    });
    expect((await bucket.get(str(stored?.['storage_key'])))?.equals(original)).toBe(true);
    expect(await bucket.get(str(stored?.['thumbnail_key']))).not.toBeNull();
    expect(bucket.describe()).toContain(BUCKET);
  });

  it('puts, reads and deletes objects (keys with spaces), and a request under an unknown key id is refused', async () => {
    const bucket = new S3MediaStorage({
      endpoint,
      bucket: BUCKET,
      region: 'us-east-1',
      accessKeyId: ACCESS_KEY,
      secretAccessKey: SECRET_KEY,
    });
    await bucket.put('tests/hello world.txt', Buffer.from('hello'), 'text/plain');
    expect((await bucket.get('tests/hello world.txt'))?.toString()).toBe('hello');
    await bucket.delete('tests/hello world.txt');
    expect(await bucket.get('tests/hello world.txt')).toBeNull();
    await bucket.delete('tests/never there.txt');

    // s3rver checks the key id of a Signature V4 request (not the signature itself): an unknown one is refused.
    const stranger = new S3MediaStorage({
      endpoint,
      bucket: BUCKET,
      region: 'us-east-1',
      accessKeyId: 'NOBODY',
      secretAccessKey: SECRET_KEY,
    });
    await expect(stranger.put('tests/stranger.txt', Buffer.from('no'), 'text/plain')).rejects.toThrow(/HTTP 403/);
    await expect(stranger.get('tests/stranger.txt')).rejects.toThrow(/HTTP 403/);
    expect(await bucket.get('tests/stranger.txt')).toBeNull();
  });
});
