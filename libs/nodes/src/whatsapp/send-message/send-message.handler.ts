import { defineStepHandler } from '@parley/node-sdk';
import { sendMessageDefinition } from './send-message.definition';

export const sendMessageHandler = defineStepHandler(sendMessageDefinition, {
  execute: async ({ config, contact, idempotencyKey, services }) => {
    if (!contact) {
      return {
        outcome: 'failed',
        errorCode: 'no_contact',
        errorMessage: 'The execution has no contact to send to.',
        retryable: false,
        data: {},
      };
    }
    const result = await services.whatsapp.send({
      contactId: contact.id,
      idempotencyKey,
      message: { type: 'text', text: { body: config.message.text, preview_url: config.message.previewUrl } },
    });
    switch (result.status) {
      case 'accepted':
        return { outcome: 'continue', output: 'next', data: { wamid: result.wamid, waId: result.waId } };
      case 'failed':
        return {
          outcome: 'failed',
          errorCode: result.errorCode,
          errorMessage: result.errorMessage,
          retryable: result.retryable,
          data: {},
        };
      case 'unknown':
        return {
          outcome: 'failed',
          errorCode: 'outcome_unknown',
          errorMessage: result.errorMessage,
          retryable: false,
          data: {},
        };
    }
  },
});
