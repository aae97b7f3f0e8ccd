import { SIGNATURE_HEADER, signWebhookBody, toAsciiJson } from '@parley/whatsapp';

export interface WebhookTarget {
  url: string;
  appSecret: string;
}

export interface DeliveryOutcome {
  delivered: boolean;
  attempts: number;
  lastStatus: number | null;
}

/**
 * Posts a webhook the way Meta does: ASCII-escaped JSON, signed over those
 * exact bytes with the app secret, retried with exponential backoff while the
 * receiver answers non-2xx or cannot be reached.
 */
export async function deliverWebhook(
  target: WebhookTarget,
  payload: unknown,
  options: { maxAttempts: number; firstDelayMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<DeliveryOutcome> {
  const body = toAsciiJson(payload);
  const signature = signWebhookBody(body, target.appSecret);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastStatus: number | null = null;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt += 1) {
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(20_000),
      });
      lastStatus = response.status;
      await response.arrayBuffer();
      if (response.ok) return { delivered: true, attempts: attempt, lastStatus };
    } catch {
      lastStatus = null;
    }
    if (attempt < options.maxAttempts) await sleep(options.firstDelayMs * 2 ** (attempt - 1));
  }
  return { delivered: false, attempts: options.maxAttempts, lastStatus };
}
