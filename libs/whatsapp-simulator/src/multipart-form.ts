export interface FormPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

/**
 * Splits a `multipart/form-data` body into its parts: enough for the media
 * upload (`file`, `type`, `messaging_product`), not a general parser.
 */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  const token = boundary?.[1] ?? boundary?.[2];
  if (!token) return null;
  const delimiter = Buffer.from(`--${token}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    // Each part sits between "<delimiter>\r\n" and "\r\n<next delimiter>".
    const chunk = body.subarray(start + delimiter.length + 2, next - 2);
    const split = chunk.indexOf('\r\n\r\n');
    if (split >= 0) {
      const headers = chunk.subarray(0, split).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*?;\s*name="([^"]*)"(?:;\s*filename="([^"]*)")?/i.exec(headers);
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers);
      if (disposition?.[1] !== undefined) {
        parts.push({
          name: disposition[1],
          filename: disposition[2] ?? null,
          contentType: type?.[1]?.trim() ?? null,
          data: chunk.subarray(split + 4),
        });
      }
    }
    start = next;
  }
  return parts;
}
