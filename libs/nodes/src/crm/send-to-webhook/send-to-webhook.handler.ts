import type { RuntimeContact } from '@parley/node-sdk';
import { defineStepHandler } from '@parley/node-sdk';
import { sendToWebhookDefinition, type SendToWebhookConfig } from './send-to-webhook.definition';

type ContactField = SendToWebhookConfig['contactFields'][number];

function contactValue(contact: RuntimeContact, field: ContactField): unknown {
  switch (field) {
    case 'id':
      return contact.id;
    case 'phone':
      return contact.phoneE164;
    case 'wa_id':
      return contact.waId;
    case 'first_name':
      return contact.firstName;
    case 'last_name':
      return contact.lastName;
    case 'display_name':
      return contact.displayName;
    case 'email':
      return contact.email;
    case 'locale':
      return contact.locale;
    case 'time_zone':
      return contact.timeZone;
    case 'list':
      return contact.list;
    case 'tags':
      return [...contact.tags];
    case 'marketing_consent':
      return contact.marketingConsent;
    case 'transactional_consent':
      return contact.transactionalConsent;
    case 'fields':
      return { ...contact.fields };
  }
}

export const sendToWebhookHandler = defineStepHandler(sendToWebhookDefinition, {
  execute: async ({ config, contact, event, vars, flowId, executionId, idempotencyKey, attempt, testMode, services }) => {
    const url = (await services.render(config.url)).trim();
    if (!services.webhookSigner) {
      return {
        outcome: 'failed',
        errorCode: 'signing_unavailable',
        errorMessage: 'this engine cannot sign outgoing webhooks (no webhook signer)',
        retryable: false,
        data: { url },
      };
    }
    const extra: Record<string, string> = {};
    for (const item of config.extra) extra[item.key] = await services.render(item.value);
    const payload = {
      // The same id on every retry of this step: receivers dedupe on it.
      id: idempotencyKey,
      flow_id: flowId,
      execution_id: executionId,
      test: testMode,
      contact: Object.fromEntries(config.contactFields.map((field) => [field, contactValue(contact, field)])),
      event: config.includeEvent
        ? { id: event.id, type: event.type, occurred_at: event.occurredAt.toISOString(), payload: event.payload }
        : null,
      vars: Object.fromEntries(config.variables.map((name) => [name, vars[name] ?? null])),
      data: extra,
    };
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(services.now().getTime() / 1000);
    const signature = await services.webhookSigner.sign(timestamp, body);
    const result = await services.http.request({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
        'x-parley-timestamp': String(timestamp),
        'x-parley-signature': signature,
        'x-parley-attempt': String(attempt),
      },
      body,
      timeoutMs: config.timeoutSeconds * 1000,
    });
    if (!result.ok) {
      return {
        outcome: 'failed',
        errorCode: result.errorCode,
        errorMessage: result.errorMessage,
        retryable: result.errorCode === 'timeout' || result.errorCode === 'network',
        data: { url, idempotencyKey },
      };
    }
    const data = { status: result.status, idempotencyKey, body: result.body };
    if (result.status >= 200 && result.status < 300) return { outcome: 'continue', output: 'next', data };
    return {
      outcome: 'failed',
      errorCode: `http_${result.status}`,
      errorMessage: `POST ${url} answered ${result.status}`,
      // A rate limit or a server error may pass; a refused request (4xx) will not.
      retryable: result.status === 429 || result.status === 408 || result.status >= 500,
      data,
    };
  },
});
