import type { WebhookItem } from './webhook-payload';
import { change, CUSTOMER, deliver, messagesValue, METADATA, WABA_ID, webhook } from './webhook-fixtures.spec-helper';

function statusesOf(...statuses: Record<string, unknown>[]): Extract<WebhookItem, { kind: 'status' }>[] {
  const items = deliver(webhook(change('messages', messagesValue({ statuses, contacts: null }))));
  return items.map((item) => {
    if (item.kind !== 'status') throw new Error(`expected a status, got ${JSON.stringify(item)}`);
    return item;
  });
}

const wamid = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA';

describe('message statuses (contract: Meta status webhook reference shapes)', () => {
  it('sent with per-message pricing and the echoed callback data', () => {
    const [item] = statusesOf({
      id: wamid,
      status: 'sent',
      timestamp: '1750263773',
      recipient_id: CUSTOMER,
      biz_opaque_callback_data: 'exec-1:node-2:1',
      pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' },
    });
    expect(item).toEqual({
      kind: 'status',
      wabaId: WABA_ID,
      phoneNumberId: METADATA.phone_number_id,
      status: {
        wamid,
        status: 'sent',
        timestamp: new Date(1750263773 * 1000),
        recipientId: CUSTOMER,
        callbackData: 'exec-1:node-2:1',
        errorCode: null,
        errorTitle: null,
        pricing: { billable: true, model: 'PMP', category: 'marketing', type: 'regular' },
        conversation: null,
        errors: [],
        raw: expect.objectContaining({ id: wamid, status: 'sent', timestamp: '1750263773' }),
      },
    });
  });

  it('delivered with a conversation (conversation-based pricing) and read without pricing', () => {
    const [delivered, read] = statusesOf(
      {
        id: wamid,
        status: 'delivered',
        timestamp: '1750263774',
        recipient_id: CUSTOMER,
        conversation: { id: 'CONVERSATION_ID', expiration_timestamp: '1750350180', origin: { type: 'utility' } },
        pricing: { billable: true, pricing_model: 'CBP', category: 'utility' },
      },
      { id: wamid, status: 'read', timestamp: '1750263780', recipient_id: CUSTOMER },
    );
    expect(delivered?.status).toMatchObject({
      status: 'delivered',
      conversation: { id: 'CONVERSATION_ID', category: 'utility', expiresAt: new Date(1750350180 * 1000) },
      pricing: { billable: true, model: 'CBP', category: 'utility', type: null },
    });
    expect(read?.status).toMatchObject({ status: 'read', pricing: null, conversation: null, errors: [] });
  });

  it('failed: every error with title and details, the first one as errorCode/errorTitle', () => {
    const [item] = statusesOf({
      id: wamid,
      status: 'failed',
      timestamp: '1750263775',
      recipient_id: CUSTOMER,
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          error_data: {
            details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          },
          href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
        },
        { code: 131026, message: 'Message undeliverable' },
      ],
    });
    expect(item?.status).toMatchObject({
      status: 'failed',
      errorCode: 131047,
      errorTitle: 'Re-engagement message',
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        },
        { code: 131026, title: 'Message undeliverable', details: null },
      ],
    });
  });

  it('a status sent to a BSUID has no recipient_id', () => {
    const [item] = statusesOf({ id: wamid, status: 'sent', timestamp: '1750263773', recipient_user_id: 'US.1349' });
    expect(item?.status.recipientId).toBeNull();
  });

  it('odd pricing or conversation objects degrade to null instead of losing the status', () => {
    const [item] = statusesOf({
      id: wamid,
      status: 'delivered',
      timestamp: '1750263773',
      pricing: 'free',
      conversation: { expiration_timestamp: 'soon', origin: 3 },
    });
    expect(item?.status).toMatchObject({ pricing: null, conversation: { id: null, category: null, expiresAt: null } });
  });
});
