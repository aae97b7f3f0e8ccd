import { randomBytes } from 'node:crypto';

export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_data: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

/** The Graph API error envelope, as Meta returns it. */
export function graphError(code: number, title: string, details: string, type = 'OAuthException'): GraphErrorBody {
  return {
    error: {
      message: `(#${code}) ${title}`,
      type,
      code,
      error_data: { messaging_product: 'whatsapp', details },
      fbtrace_id: randomBytes(12).toString('base64url'),
    },
  };
}
