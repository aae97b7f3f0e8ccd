import type { RuntimeContact, SendWhatsAppRequest, SendWhatsAppResult, StepContext } from '@parley/node-sdk';
import { type SendMessageConfig, sendMessageConfigSchema } from './send-message.definition';
import { sendMessageHandler } from './send-message.handler';

const contact: RuntimeContact = { id: 'contact-1', waId: '393331234567', phoneE164: '+393331234567', displayName: 'Ada', firstName: 'Ada' };

function context(result: SendWhatsAppResult, sent: SendWhatsAppRequest[], withContact = true): StepContext<SendMessageConfig> {
  return {
    config: sendMessageConfigSchema.parse({ message: { type: 'text', text: 'Hello there' } }),
    nodeId: 'reply',
    executionId: 'exec-1',
    workspaceId: 'ws',
    contact: withContact ? contact : null,
    event: { id: '1', type: 'message.received', occurredAt: new Date(), contactId: contact.id, payload: { wamid: 'w', phoneNumberId: '1', messageType: 'text', text: 'hi' } },
    idempotencyKey: 'exec-1:reply:0',
    services: {
      now: () => new Date(),
      whatsapp: {
        send: async (request) => {
          sent.push(request);
          return result;
        },
      },
    },
  };
}

describe('send WhatsApp message step', () => {
  it('sends the text in the Cloud API shape with the step idempotency key', async () => {
    const sent: SendWhatsAppRequest[] = [];
    const result = await sendMessageHandler.execute(context({ status: 'accepted', wamid: 'wamid.1', waId: '393331234567' }, sent));
    expect(sent).toEqual([
      { contactId: 'contact-1', idempotencyKey: 'exec-1:reply:0', message: { type: 'text', text: { body: 'Hello there', preview_url: false } } },
    ]);
    expect(result).toEqual({ outcome: 'continue', output: 'next', data: { wamid: 'wamid.1', waId: '393331234567' } });
  });

  it('reports a refused send as a failure with the WhatsApp code', async () => {
    const result = await sendMessageHandler.execute(
      context({ status: 'failed', errorCode: '131047', errorMessage: 'Re-engagement message', retryable: false }, []),
    );
    expect(result).toMatchObject({ outcome: 'failed', errorCode: '131047', retryable: false });
  });

  it('reports an unknown outcome without claiming success', async () => {
    const result = await sendMessageHandler.execute(context({ status: 'unknown', errorMessage: 'timeout' }, []));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'outcome_unknown' });
  });

  it('fails without a contact and sends nothing', async () => {
    const sent: SendWhatsAppRequest[] = [];
    const result = await sendMessageHandler.execute(context({ status: 'accepted', wamid: 'w', waId: null }, sent, false));
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'no_contact' });
    expect(sent).toEqual([]);
  });

  it('refuses an empty or too long message in its config', () => {
    expect(sendMessageConfigSchema.safeParse({ message: { type: 'text', text: '   ' } }).success).toBe(false);
    expect(sendMessageConfigSchema.safeParse({ message: { type: 'text', text: 'x'.repeat(4097) } }).success).toBe(false);
    expect(sendMessageConfigSchema.safeParse({ message: { type: 'text', text: 'x'.repeat(4096) } }).success).toBe(true);
  });
});
