import { defineStepHandler, type StepContext, type StepResult, type WakeUp } from '@parley/node-sdk';
import { buildCloudMessage, buildTemplate, MessageLimitError } from './build-cloud-message';
import { sendMessageDefinition, type SendMessageConfig } from './send-message.definition';

/**
 * How long a send whose outcome is unknown (timeout, crash mid-call) waits for
 * Meta's status webhook to tell whether it went out. Meta reports "sent"
 * within seconds; after this the step fails and a person decides.
 */
export const RECONCILE_WINDOW_MS = 15 * 60_000;

async function send(context: StepContext<SendMessageConfig>): Promise<StepResult> {
  const { config, contact, idempotencyKey, services } = context;
  let message;
  let templateFallback;
  try {
    message = await buildCloudMessage(config.message, services.render);
    templateFallback = config.templateFallback ? await buildTemplate(config.templateFallback, services.render) : undefined;
  } catch (error) {
    if (error instanceof MessageLimitError) {
      return {
        outcome: 'failed',
        errorCode: 'message_too_long',
        errorMessage: error.message,
        retryable: false,
        data: { field: error.field },
      };
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
  // Which category the gate judged the send by (Meta's for a template) and why, for the step's output.
  const category = result.status !== 'unknown' && result.category ? { category: result.category } : {};
  switch (result.status) {
    case 'accepted':
      return {
        outcome: 'continue',
        output: 'next',
        data: { wamid: result.wamid, waId: result.waId, usedFallback: result.usedFallback, ...category },
      };
    case 'failed':
      return {
        outcome: 'failed',
        errorCode: result.errorCode,
        errorMessage: result.errorMessage,
        retryable: result.retryable,
        data: { ...category },
      };
    case 'unknown':
      // Never resent blindly: wait for the status webhook that carries our key.
      return {
        outcome: 'wait',
        wait: {
          kind: 'event',
          eventType: 'message.status',
          filter: { callback_key: idempotencyKey },
          timeoutAt: new Date(services.now().getTime() + RECONCILE_WINDOW_MS),
        },
        data: { outcome: 'unknown', reason: result.errorMessage },
      };
    case 'blocked':
      // A deferral (quiet hours, pacing) waits and tries again; a refusal is final.
      return result.retryAt
        ? {
            outcome: 'wait',
            wait: { kind: 'until', resumeAt: result.retryAt },
            data: { deferredBy: result.rule, reason: result.reason, numbers: result.details ?? {}, ...category },
          }
        : {
            outcome: 'failed',
            errorCode: `policy:${result.rule}`,
            errorMessage: result.reason,
            retryable: false,
            data: { blockedBy: result.rule, numbers: result.details ?? {}, ...category },
          };
  }
}

async function resume(context: StepContext<SendMessageConfig>, wake: WakeUp): Promise<StepResult> {
  if (wake.outcome === 'received') {
    // Meta reported a status for the send we had lost track of: it went out.
    const payload = wake.event?.payload ?? {};
    return {
      outcome: 'continue',
      output: 'next',
      data: { wamid: payload['wamid'] ?? null, reconciled: true, status: payload['status'] ?? null },
    };
  }
  if (wake.outcome === 'timeout') {
    return {
      outcome: 'failed',
      errorCode: 'outcome_unknown',
      errorMessage: `WhatsApp did not confirm this send within ${RECONCILE_WINDOW_MS / 60_000} minutes; it was not sent again. Retry the execution with "resend unknown" to send it anyway.`,
      retryable: false,
      data: {},
    };
  }
  // Woken after a policy deferral: try the send again (same idempotency key).
  return send(context);
}

export const sendMessageHandler = defineStepHandler(sendMessageDefinition, { execute: send, resume });
