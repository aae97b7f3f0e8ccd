import { createHmac, timingSafeEqual } from 'node:crypto';

function signature(flowId: string, secretsKey: Buffer): string {
  return createHmac('sha256', secretsKey).update(`incoming-webhook:${flowId}`).digest('base64url').slice(0, 32);
}

/** The secret path segment of a flow's incoming webhook URL: "<flow id>.<signature>". */
export function hookToken(flowId: string, secretsKey: Buffer): string {
  return `${flowId}.${signature(flowId, secretsKey)}`;
}

/** The flow a token is for, or null when the token was not made with our key. */
export function flowOfHookToken(token: string, secretsKey: Buffer): string | null {
  const [flowId, given] = token.split('.');
  if (!flowId || !given || !/^[0-9a-f-]{36}$/.test(flowId)) return null;
  const expected = Buffer.from(signature(flowId, secretsKey));
  const received = Buffer.from(given);
  return expected.length === received.length && timingSafeEqual(expected, received) ? flowId : null;
}
