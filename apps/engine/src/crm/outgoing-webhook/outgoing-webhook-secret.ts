import { createHmac } from 'node:crypto';

/**
 * A workspace's key for signing outgoing webhooks, derived from the
 * installation's SECRETS_KEY like incoming-webhook tokens are: nothing to
 * store or seal, the same on every engine process, and different per workspace
 * so one customer's receiver cannot check (or forge) another's deliveries.
 */
export function outgoingWebhookSecret(workspaceId: string, secretsKey: Buffer): string {
  return `whsec_${createHmac('sha256', secretsKey).update(`outgoing-webhook:${workspaceId}`).digest('base64url')}`;
}

/** The X-Parley-Signature value of one delivery: see `WebhookSigner` in @parley/node-sdk. */
export function signOutgoingWebhook(workspaceId: string, secretsKey: Buffer, timestampSeconds: number, body: string): string {
  const secret = outgoingWebhookSecret(workspaceId, secretsKey);
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}
