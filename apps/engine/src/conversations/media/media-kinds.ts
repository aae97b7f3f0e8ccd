import { z } from 'zod';

export const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * What each kind may be, as Meta accepts it (Cloud API media limits): the
 * types a file of that kind may have and its largest size. A customer's file
 * outside these is not kept (`rejected`); an agent's upload outside them is
 * refused before it reaches Meta.
 */
export const MEDIA_RULES: Record<MediaKind, { mimeTypes: readonly string[]; maxBytes: number }> = {
  image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * 1024 * 1024 },
  audio: {
    mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
    maxBytes: 16 * 1024 * 1024,
  },
  video: { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * 1024 * 1024 },
  document: {
    mimeTypes: [
      'application/pdf',
      'text/plain',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * 1024 * 1024,
  },
  sticker: { mimeTypes: ['image/webp'], maxBytes: 500 * 1024 },
};

/** What the server keeps of a customer's file at most, whatever its kind claims (a document may be 100 MB). */
export const MAX_KEPT_BYTES = 100 * 1024 * 1024;

/** The MIME type without parameters ("audio/ogg; codecs=opus" is "audio/ogg"). */
export function baseMimeType(mimeType: string): string {
  return mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Why a file may not be kept or sent as `kind`, or null when it may. */
export function mediaProblem(kind: MediaKind, mimeType: string, sizeBytes: number): string | null {
  const rule = MEDIA_RULES[kind];
  const base = baseMimeType(mimeType);
  if (!rule.mimeTypes.includes(base)) return `${kind} files must be ${rule.mimeTypes.join(', ')} (this one is ${base || 'of no type'})`;
  if (sizeBytes > rule.maxBytes)
    return `${kind} files may be at most ${Math.round(rule.maxBytes / 1024 / 1024) || 0.5} MB (this one is ${(sizeBytes / 1024 / 1024).toFixed(1)} MB)`;
  if (sizeBytes === 0) return 'the file is empty';
  return null;
}

const noticeSchema = z.looseObject({
  id: z.string().optional(),
  link: z.string().optional(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  filename: z.string().optional(),
});

/** The media part of a stored message payload (webhook item or send body). */
export function mediaNotice(
  kind: MediaKind,
  payload: unknown,
): { metaMediaId: string | null; mimeType: string | null; sha256: string | null; filename: string | null } {
  const part: unknown = typeof payload === 'object' && payload !== null ? Reflect.get(payload, kind) : undefined;
  const parsed = noticeSchema.safeParse(part);
  if (!parsed.success) return { metaMediaId: null, mimeType: null, sha256: null, filename: null };
  return {
    metaMediaId: parsed.data.id ?? null,
    mimeType: parsed.data.mime_type ?? null,
    sha256: parsed.data.sha256 ?? null,
    filename: parsed.data.filename ?? null,
  };
}
