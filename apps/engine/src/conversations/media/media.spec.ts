import { BUNDLED_MEDIA } from '@parley/whatsapp-simulator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { type EngineHarness, startEngineHarness } from '../../test-support/engine-harness';
import { eventually } from '../../test-support/eventually';
import { arr, obj, str } from '../../test-support/json';

const CUSTOMER = '393360000001';

describe('media of conversations', () => {
  let h: EngineHarness;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'parley-media-'));
    h = await startEngineHarness({ env: { MEDIA_DIR: folder } });
  });
  afterAll(async () => {
    await h.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function conversationId(): Promise<string> {
    const [row] = await h.sql('SELECT c.id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.wa_id = $1', [CUSTOMER]);
    return str(row?.['id']);
  }

  async function latestMedia(kind: string): Promise<Record<string, unknown>> {
    return eventually(async () => {
      const entries = arr(obj((await h.workspace.admin.get(`/api/conversations/${await conversationId()}/messages`)).body)['data']).map(
        obj,
      );
      const media = entries.find((e) => e['type'] === kind)?.['media'];
      return media && obj(media)['status'] !== 'pending' ? obj(media) : undefined;
    }, `the ${kind} to be kept`);
  }

  it.each(['image', 'audio', 'document', 'sticker'] as const)(
    'fetches a customer’s %s from the Cloud API at once, keeps it and serves it',
    async (kind) => {
      const file = BUNDLED_MEDIA.find((f) => f.kind === kind);
      if (!file) throw new Error(`no bundled ${kind}`);
      await h.simulator.customerSends({
        phoneNumberId: h.workspace.phoneNumberId,
        from: CUSTOMER,
        message: { type: kind, caption: kind === 'image' ? 'my photo' : undefined },
      });
      await h.settle();
      const media = await latestMedia(kind);
      expect(media).toMatchObject({ status: 'stored', kind, url: expect.stringMatching(/^\/api\/media\//) });
      const served = await fetch(`${h.url}${str(media['url'])}`, { headers: { authorization: `Bearer ${h.workspace.admin.token ?? ''}` } });
      expect(served.status).toBe(200);
      const bytes = Buffer.from(await served.arrayBuffer());
      expect(bytes.equals(Buffer.from(file.base64, 'base64'))).toBe(true);
      expect(served.headers.get('content-type')).toBe(String(media['mimeType']));
      if (kind === 'image') {
        const thumbnail = await fetch(`${h.url}${str(media['thumbnailUrl'])}`, {
          headers: { authorization: `Bearer ${h.workspace.admin.token ?? ''}` },
        });
        expect((await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).format).toBe('jpeg');
      }
      // Another workspace cannot read it.
      const other = await h.addWorkspace(`Other ${kind}`);
      expect((await other.admin.get(str(media['url']))).status).toBe(404);
    },
  );

  it('marks a file WhatsApp gives a type it should not have as rejected, and keeps nothing', async () => {
    const upload = h.simulator.state.media.upload(Buffer.from('MZ not a real video'), 'application/x-msdownload', 'virus.exe');
    await h.simulator.customerSends({
      phoneNumberId: h.workspace.phoneNumberId,
      from: CUSTOMER,
      message: { type: 'video', mediaId: upload.id },
    });
    await h.settle();
    const media = await latestMedia('video');
    expect(media).toMatchObject({ status: 'rejected', url: null, error: expect.stringContaining('video files must be') });
  });

  it('uploads an agent’s image to the Cloud API (recompressed to JPEG over 5 MB) and sends it', async () => {
    const id = await conversationId();
    const side = 1600;
    const pixels = Buffer.alloc(side * side * 3);
    let seed = 11;
    for (let i = 0; i < pixels.length; i += 1) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      pixels[i] = seed & 0xff;
    }
    const png = await sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(png.length).toBeGreaterThan(5 * 1024 * 1024);
    const response = await fetch(`${h.url}/api/conversations/${id}/media?kind=image&filename=shelf.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.workspace.admin.token ?? ''}`, 'content-type': 'image/png' },
      body: new Uint8Array(png),
    });
    expect(response.status).toBe(201);
    const uploaded = obj(await response.json());
    expect(uploaded).toMatchObject({ kind: 'image', mimeType: 'image/jpeg', recompressed: true, filename: 'shelf.jpg' });
    expect(Number(uploaded['sizeBytes'])).toBeLessThanOrEqual(5 * 1024 * 1024);
    // The simulator (standing in for Meta) holds the JPEG under the media id it gave.
    const [row] = await h.sql('SELECT meta_media_id FROM media_files WHERE id = $1', [uploaded['id']]);
    const atMeta = h.simulator.state.media.get(str(row?.['meta_media_id']));
    expect(atMeta?.mimeType).toBe('image/jpeg');

    const sent = await h.workspace.admin.post(`/api/conversations/${id}/messages`, {
      type: 'image',
      mediaId: uploaded['id'],
      caption: 'On the shelf',
    });
    expect(sent.status).toBe(201);
    expect(h.simulator.state.sent.at(-1)?.body).toMatchObject({
      type: 'image',
      image: { id: row?.['meta_media_id'], caption: 'On the shelf' },
    });
    const [latest] = arr(obj((await h.workspace.admin.get(`/api/conversations/${id}/messages`)).body)['data']).map(obj);
    expect(latest).toMatchObject({
      type: 'image',
      text: 'On the shelf',
      sender: { kind: 'agent' },
      media: { id: uploaded['id'], status: 'stored' },
    });
  });

  it('uploads and sends a document as it is', async () => {
    const id = await conversationId();
    const response = await fetch(`${h.url}/api/conversations/${id}/media?kind=document&filename=terms.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.workspace.admin.token ?? ''}`, 'content-type': 'text/plain' },
      body: 'Returns within 30 days.',
    });
    const uploaded = obj(await response.json());
    expect([response.status, uploaded]).toEqual([
      201,
      expect.objectContaining({ kind: 'document', mimeType: 'text/plain', recompressed: false }),
    ]);
    const sent = await h.workspace.admin.post(`/api/conversations/${id}/messages`, { type: 'document', mediaId: uploaded['id'] });
    expect(sent.status).toBe(201);
    expect(h.simulator.state.sent.at(-1)?.body).toMatchObject({ type: 'document', document: { filename: 'terms.txt' } });
  });

  it('refuses an upload WhatsApp would not take, storing nothing', async () => {
    const id = await conversationId();
    const before = await h.count('media_files');
    const post = (query: string, type: string, body: Uint8Array) =>
      fetch(`${h.url}/api/conversations/${id}/media?${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.workspace.admin.token ?? ''}`, 'content-type': type },
        body,
      });
    expect((await post('kind=document&filename=run.exe', 'application/x-msdownload', new Uint8Array([1, 2, 3]))).status).toBe(422);
    expect((await post('kind=image&filename=x.png', 'image/png', new TextEncoder().encode('not an image'))).status).toBe(422);
    expect((await post('kind=sofa&filename=x.png', 'image/png', new Uint8Array([1]))).status).toBe(400);
    expect((await post('kind=image&filename=../x.png', 'image/png', new Uint8Array([1]))).status).toBe(400);
    expect((await post('kind=image&filename=x.json', 'application/json', new TextEncoder().encode('{}'))).status).toBe(415);
    expect(await h.count('media_files')).toBe(before);
  });
});
