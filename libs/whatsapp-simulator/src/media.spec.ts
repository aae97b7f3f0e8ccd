import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BUNDLED_MEDIA } from './bundled-media';
import { type RunningSimulator, startSimulator } from './simulator-server';
import { errorCode, getJson, NUMBER, postMessage } from './graph-calls.spec-helper';

const mediaSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  url: z.url(),
  mime_type: z.string(),
  sha256: z.string(),
  file_size: z.number(),
  id: z.string(),
});

describe('media: retrieve, download and upload', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ numbers: [NUMBER] });
  });
  afterAll(() => sim.close());

  it.each(BUNDLED_MEDIA.map((f) => [f.kind, f] as const))(
    'serves the bundled %s: metadata, then the bytes with the same bearer token',
    async (_kind, file) => {
      const answer = await getJson(`${sim.url}/v24.0/${file.id}`, NUMBER.accessToken);
      expect(answer.status).toBe(200);
      const media = mediaSchema.parse(answer.body);
      const bytes = Buffer.from(file.base64, 'base64');
      expect(media).toMatchObject({
        id: file.id,
        mime_type: file.mimeType,
        file_size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('base64'),
      });
      const download = await fetch(media.url, { headers: { authorization: `Bearer ${NUMBER.accessToken}` } });
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe(file.mimeType);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    },
  );

  it('refuses both steps without a valid token, and unknown ids', async () => {
    const file = BUNDLED_MEDIA[0];
    if (!file) throw new Error('no bundled media');
    expect((await getJson(`${sim.url}/v24.0/${file.id}`)).status).toBe(401);
    expect(errorCode(await getJson(`${sim.url}/v24.0/${file.id}`, 'stolen'))).toBe(190);
    const media = mediaSchema.parse((await getJson(`${sim.url}/v24.0/${file.id}`, NUMBER.accessToken)).body);
    expect((await fetch(media.url)).status).toBe(401);
    expect(errorCode(await getJson(`${sim.url}/v24.0/9999999999`, NUMBER.accessToken))).toBe(100);
  });

  it('uploads a file (multipart) and sends it by id', async () => {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'text/plain');
    form.set('file', new Blob(['hello media'], { type: 'text/plain' }), 'note.txt');
    const upload = await fetch(`${sim.url}/v24.0/${NUMBER.phoneNumberId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${NUMBER.accessToken}` },
      body: form,
    });
    expect(upload.status).toBe(200);
    const { id } = z.object({ id: z.string().regex(/^\d+$/) }).parse(await upload.json());
    const media = mediaSchema.parse((await getJson(`${sim.url}/v24.0/${id}`, NUMBER.accessToken)).body);
    expect(media).toMatchObject({ mime_type: 'text/plain', file_size: 11 });
    expect(await (await fetch(media.url, { headers: { authorization: `Bearer ${NUMBER.accessToken}` } })).text()).toBe('hello media');
    const noAuth = await fetch(`${sim.url}/v24.0/${NUMBER.phoneNumberId}/media`, { method: 'POST', body: form });
    expect(noAuth.status).toBe(401);
    await sim.customerSends({ phoneNumberId: NUMBER.phoneNumberId, from: '393335550001', text: 'send me the file' });
    expect(
      (
        await postMessage(sim.url, {
          messaging_product: 'whatsapp',
          to: '393335550001',
          type: 'document',
          document: { id, filename: 'note.txt' },
        })
      ).status,
    ).toBe(200);
  });
});
