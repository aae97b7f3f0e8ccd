import sharp from 'sharp';
import { fitImage, thumbnailOf } from './image-processing';

/** A photo-like image (noise compresses badly), as big as `side` pixels square. */
async function noisyPng(side: number): Promise<Buffer> {
  const pixels = Buffer.alloc(side * side * 3);
  let seed = 7;
  for (let i = 0; i < pixels.length; i += 1) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    pixels[i] = seed & 0xff;
  }
  return sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

describe('images for WhatsApp and CRM copies', () => {
  it('keeps a JPEG or PNG within 5 MB as it is', async () => {
    const small = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const fitted = await fitImage(small, 'image/png');
    expect(fitted).toMatchObject({ mimeType: 'image/png', recompressed: false });
    expect(fitted?.bytes.equals(small)).toBe(true);
  });

  it('recompresses an image over 5 MB to a JPEG under 5 MB', async () => {
    const big = await noisyPng(1600);
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    const fitted = await fitImage(big, 'image/png');
    expect(fitted).toMatchObject({ mimeType: 'image/jpeg', recompressed: true });
    expect(fitted?.bytes.length).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect((await sharp(fitted?.bytes).metadata()).format).toBe('jpeg');
  });

  it('turns other image types into JPEG, refuses what is not an image, and makes thumbnails', async () => {
    const webp = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#a33' } })
      .webp()
      .toBuffer();
    expect(await fitImage(webp, 'image/webp')).toMatchObject({ mimeType: 'image/jpeg', recompressed: true });
    expect(await fitImage(Buffer.from('%PDF-1.4 not an image'), 'image/png')).toBeNull();
    const thumb = await thumbnailOf(await noisyPng(900));
    const meta = await sharp(thumb ?? Buffer.alloc(0)).metadata();
    expect([meta.format, meta.width]).toEqual(['jpeg', 320]);
  });
});
