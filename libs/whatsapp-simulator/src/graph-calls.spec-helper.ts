import { z } from 'zod';

export const NUMBER = { phoneNumberId: '111', accessToken: 'good-token', displayPhoneNumber: '15550001111', wabaId: '222' };

const jsonObject = z.record(z.string(), z.unknown());

export interface GraphAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** POST /v24.0/{pnid}/messages with a bearer token. */
export async function postMessage(baseUrl: string, body: unknown, options: { token?: string; pnid?: string } = {}): Promise<GraphAnswer> {
  const response = await fetch(`${baseUrl}/v24.0/${options.pnid ?? NUMBER.phoneNumberId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token ?? NUMBER.accessToken}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: jsonObject.parse(await response.json()) };
}

export async function getJson(url: string, token?: string): Promise<GraphAnswer> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: jsonObject.parse(await response.json()) };
}

export async function control(baseUrl: string, path: string, body: unknown): Promise<GraphAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: jsonObject.parse(await response.json()) };
}

export const text = (to: string, body: string) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type: 'text',
  text: { body },
});

export const template = (to: string, name: string, bodyParameters: string[] = [], language = 'en') => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: {
    name,
    language: { code: language },
    ...(bodyParameters.length > 0
      ? { components: [{ type: 'body', parameters: bodyParameters.map((t) => ({ type: 'text', text: t })) }] }
      : {}),
  },
});

/** The error code of a Graph error answer. */
export function errorCode(answer: GraphAnswer): number | undefined {
  const parsed = z.object({ error: z.object({ code: z.number() }) }).safeParse(answer.body);
  return parsed.success ? parsed.data.error.code : undefined;
}

/** The wamid of an accepted send. */
export function wamidOf(answer: GraphAnswer): string {
  return z.object({ messages: z.array(z.object({ id: z.string() })).min(1) }).parse(answer.body).messages[0]?.id ?? '';
}

/** A body template with `count` positional parameters, in Meta's shape. */
export function bodyTemplate(name: string, category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION', count: number) {
  const placeholders = Array.from({ length: count }, (_, i) => `{{${i + 1}}}`).join(' and ');
  return { name, language: 'en', category, components: [{ type: 'BODY' as const, text: `Hello ${placeholders}`.trim() }] };
}
