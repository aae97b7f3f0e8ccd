import type { MediaType } from './send-request';

export interface BundledFile {
  id: string;
  kind: MediaType;
  mimeType: string;
  filename: string;
  base64: string;
}

/**
 * Tiny files a simulated customer can send, with fixed media ids so tests and
 * the phone page can name them. The PNG, WebP, PDF and Ogg/Opus (half a
 * second of silence) are complete files; the MP4 is only its `ftyp` box,
 * enough for a type check but not to play.
 */
export const BUNDLED_MEDIA: readonly BundledFile[] = [
  {
    id: '1000000000000001',
    kind: 'image',
    mimeType: 'image/png',
    filename: 'green-square.png',
    base64: 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR42mNQvZyGFTEMLQkAIIZXgf05jk0AAAAASUVORK5CYII=',
  },
  { id: '1000000000000002', kind: 'video', mimeType: 'video/mp4', filename: 'clip.mp4', base64: 'AAAAGGZ0eXBpc29tAAACAGlzb21tcDQx' },
  {
    id: '1000000000000003',
    kind: 'audio',
    mimeType: 'audio/ogg; codecs=opus',
    filename: 'voice.ogg',
    base64:
      'T2dnUwACAAAAAAAAAABXUQAAAAAAAI1TQkMBE09wdXNIZWFkAQE4AYC7AAAAAABPZ2dTAAAAAAAAAAAAAFdRAAABAAAAmOvOqQEWT3B1c1RhZ3MGAAAAcGFybGV5AAAAAE9nZ1MABPheAAAAAAAAV1EAAAIAAACAqk1PGQMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwP4//74//74//74//74//74//74//74//74//74//74//74//74//74//74//74//74//74//74//74//74//74//74//74//74//4=',
  },
  {
    id: '1000000000000004',
    kind: 'document',
    mimeType: 'application/pdf',
    filename: 'receipt.pdf',
    base64:
      'JVBERi0xLjQKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZy9QYWdlcyAyIDAgUj4+ZW5kb2JqCjIgMCBvYmo8PC9UeXBlL1BhZ2VzL0tpZHNbMyAwIFJdL0NvdW50IDE+PmVuZG9iagozIDAgb2JqPDwvVHlwZS9QYWdlL1BhcmVudCAyIDAgUi9NZWRpYUJveFswIDAgMjAwIDEwMF0vQ29udGVudHMgNCAwIFIvUmVzb3VyY2VzPDwvRm9udDw8L0YxIDUgMCBSPj4+Pj4+ZW5kb2JqCjQgMCBvYmo8PC9MZW5ndGggNDQ+PnN0cmVhbQpCVCAvRjEgMTQgVGYgMjAgNTAgVGQgKFBhcmxleSByZWNlaXB0KSBUaiBFVAplbmRzdHJlYW0gZW5kb2JqCjUgMCBvYmo8PC9UeXBlL0ZvbnQvU3VidHlwZS9UeXBlMS9CYXNlRm9udC9IZWx2ZXRpY2E+PmVuZG9iagp0cmFpbGVyPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==',
  },
  {
    id: '1000000000000005',
    kind: 'sticker',
    mimeType: 'image/webp',
    filename: 'sticker.webp',
    base64: 'UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA',
  },
];
