import { defineStepHandler, type StepContext, type StepResult } from '@parley/node-sdk';
import { buildCloudMessage, buildTemplate, MessageLimitError } from './build-cloud-message';
import { sendMessageDefinition, type SendMessageConfig } from './send-message.definition';

async function send(context: StepContext<SendMessageConfig>): Promise<StepResult> {
  const { config, contact, idempotencyKey, services } = context;
  let message;
  let templateFallback;
  try {
    message = await buildCloudMessage(config.message, services.render);
    templateFallback = config.templateFallback ? await buildTemplate(config.templateFallback, services.render) : undefined;
  } catch (error) {
    if (error instanceof MessageLimitError) {
      return { outcome: 'failed', errorCode: 'message_too_long', errorMessage: error.message, retryable: false, data: { field: error.field } };
    }
    throw error;
  }
  const result = await services.whatsapp.send({
    contactId: contact.id,
    idempotencyKey,
    message,
    category: config.category,
    ...(templateFallback ? { templateFallback } : {}),
  });
  switch (result.status) {
    case 'accepted':
      return { outcome: 'continue', output: 'next', data: { wamid: result.wamid, waId: result.waId, usedFallback: result.usedFallback } };
    case 'failed':
      return { outcome: 'failed', errorCode: result.errorCode, errorMessage: result.errorMessage, retryable: result.retryable, data: {} };
    case 'unknown':
      return { outcome: 'failed', errorCode: 'outcome_unknown', errorMessage: result.errorMessage, retryable: false, data: {} };
    case 'blocked':
      // A deferral (quiet hours, pacing) waits and tries again; a refusal is final.
      return result.retryAt
        ? { outcome: 'wait', wait: { kind: 'until', resumeAt: result.retryAt }, data: { deferredBy: result.rule, reason: result.reason } }
        : { outcome: 'failed', errorCode: `policy:${result.rule}`, errorMessage: result.reason, retryable: false, data: { blockedBy: result.rule } };
  }
}

export const sendMessageHandler = defineStepHandler(sendMessageDefinition, {
  execute: send,
  // Woken after a policy deferral: try the send again (same idempotency key).
  resume: (context) => send(context),
});
