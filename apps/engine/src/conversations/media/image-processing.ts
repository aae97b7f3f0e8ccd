import sharp from 'sharp';

/** The largest image WhatsApp (and the CRM copies) take; larger ones are recompressed to JPEG under it. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const THUMBNAIL_PX = 320;

/**
 * An image WhatsApp and CRMs take: JPEG or PNG up to 5 MB is kept as it is;
 * anything larger, or of another image type sharp can read (WebP, GIF,
 * HEIC...), is recompressed to JPEG, lowering the quality and then the size
 * until it fits. Null when the bytes are not an image.
 */
export async function fitImage(
  bytes: Buffer,
  mimeType: string,
  maxBytes = MAX_IMAGE_BYTES,
): Promise<{ bytes: Buffer; mimeType: string; recompressed: boolean } | null> {
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch {
    return null;
  }
  const format = metadata.format;
  if ((format === 'jpeg' || format === 'png') && bytes.length <= maxBytes) {
    return { bytes, mimeType: format === 'jpeg' ? 'image/jpeg' : 'image/png', recompressed: false };
  }
  let width = metadata.width ?? 4096;
  for (let attempt = 0; attempt < 12; attempt += 1) {
    const quality = Math.max(50, 86 - attempt * 6);
    const candidate = await sharp(bytes)
      .rotate()
      .resize({ width, withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality, mozjpeg: true })
      .toBuffer();
    if (candidate.length <= maxBytes) return { bytes: candidate, mimeType: 'image/jpeg', recompressed: true };
    if (quality === 50) width = Math.max(320, Math.floor(width * 0.75));
  }
  return null;
}

/** A small JPEG preview for the conversation (images and stickers); null when the bytes are not an image. */
export async function thumbnailOf(bytes: Buffer): Promise<Buffer | null> {
  try {
    return await sharp(bytes)
      .rotate()
      .resize({ width: THUMBNAIL_PX, height: THUMBNAIL_PX, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 78 })
      .toBuffer();
  } catch {
    return null;
  }
}
