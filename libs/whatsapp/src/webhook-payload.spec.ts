import { parseWebhookItems, webhookEnvelopeSchema } from './webhook-payload';
import { deliver } from './webhook-fixtures.spec-helper';

function envelope(value: unknown) {
  return webhookEnvelopeSchema.parse({
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA1', changes: [{ field: 'messages', value }] }],
  });
}

const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

describe('parseWebhookItems', () => {
  it('reads a text message with its sender, wa_id and timestamp', () => {
    const items = parseWebhookItems(
      envelope({
        messaging_product: 'whatsapp',
        metadata,
        contacts: [{ profile: { name: 'Siti' }, wa_id: '60123456789' }],
        messages: [{ from: '60123456789', id: 'wamid.A', timestamp: '1763800000', type: 'text', text: { body: 'How much?' } }],
      }),
    );
    expect(items).toEqual([
      {
        kind: 'message',
        wabaId: 'WABA1',
        phoneNumberId: '106540352242922',
        displayPhoneNumber: '15550783881',
        sender: { waId: '60123456789', userId: null, profileName: 'Siti' },
        message: expect.objectContaining({
          wamid: 'wamid.A',
          from: '60123456789',
          type: 'text',
          text: 'How much?',
          timestamp: new Date(1763800000 * 1000),
        }),
      },
    ]);
  });

  it('takes the words of button and list replies, template buttons and captions', () => {
    const base = { from: '1', timestamp: '1763800000' };
    const items = parseWebhookItems(
      envelope({
        metadata,
        messages: [
          {
            ...base,
            id: 'a',
            type: 'interactive',
            interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } },
          },
          { ...base, id: 'b', type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Blue sofa' } } },
          { ...base, id: 'c', type: 'button', button: { text: 'STOP', payload: 'stop' } },
          { ...base, id: 'd', type: 'image', image: { id: 'm1', caption: 'this one, price?' } },
          { ...base, id: 'e', type: 'location', location: { latitude: 1, longitude: 2 } },
        ],
      }),
    );
    expect(items.map((i) => (i.kind === 'message' ? i.message.text : i.kind))).toEqual([
      'Yes please',
      'Blue sofa',
      'STOP',
      'this one, price?',
      null,
    ]);
  });

  it('identifies a user who hides their number by BSUID', () => {
    const items = parseWebhookItems(
      envelope({
        metadata,
        contacts: [{ profile: { name: 'Anon' }, user_id: 'BSUID.1' }],
        messages: [{ from_user_id: 'BSUID.1', id: 'wamid.B', timestamp: '1763800000', type: 'text', text: { body: 'hi' } }],
      }),
    );
    expect(items[0]).toMatchObject({ kind: 'message', sender: { waId: null, userId: 'BSUID.1', profileName: 'Anon' } });
  });

  it('visits every entry, change, message and status, skipping bad items with a reason', () => {
    const parsed = webhookEnvelopeSchema.parse({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'W1',
          changes: [
            {
              field: 'messages',
              value: {
                metadata,
                messages: [
                  { from: '1', id: 'm1', timestamp: '1', type: 'text', text: { body: 'x' } },
                  { from: '1', type: 'text' },
                ],
              },
            },
            {
              field: 'messages',
              value: {
                metadata,
                statuses: [{ id: 'm0', status: 'read', timestamp: '2', recipient_id: '1', biz_opaque_callback_data: 'k1' }],
              },
            },
          ],
        },
        {
          id: 'W2',
          changes: [
            { field: 'user_preferences', value: {} },
            { field: 'messages', value: { nope: true } },
          ],
        },
      ],
    });
    const items = parseWebhookItems(parsed);
    expect(items.map((i) => i.kind)).toEqual(['message', 'skipped', 'status', 'skipped', 'skipped']);
    expect(items[2]).toMatchObject({ kind: 'status', status: { wamid: 'm0', status: 'read', callbackData: 'k1', recipientId: '1' } });
    expect(items[1]).toMatchObject({ kind: 'skipped', reason: expect.stringContaining('message') });
  });

  it('records a failed status with its error code', () => {
    const items = parseWebhookItems(
      envelope({
        metadata,
        statuses: [{ id: 'm9', status: 'failed', timestamp: '3', errors: [{ code: 131047, title: 'Re-engagement message' }] }],
      }),
    );
    expect(items[0]).toMatchObject({
      kind: 'status',
      status: { status: 'failed', errorCode: 131047, errorTitle: 'Re-engagement message' },
    });
  });

  it('skips a message with neither wa_id nor BSUID', () => {
    const items = parseWebhookItems(envelope({ metadata, messages: [{ id: 'x', timestamp: '1', type: 'text', text: { body: 'who?' } }] }));
    expect(items).toEqual([expect.objectContaining({ kind: 'skipped', reason: 'message x has no sender' })]);
  });

  it('keeps every item of a batched delivery (2 entries × 2 changes × several messages and statuses) in order', () => {
    const numbers = [
      { display_phone_number: '15550000001', phone_number_id: 'PN1' },
      { display_phone_number: '15550000002', phone_number_id: 'PN2' },
    ];
    const expected: string[] = [];
    const entry = (wabaId: string) => ({
      id: wabaId,
      changes: numbers.map((number) => {
        const messages = [0, 1, 2].map((n) => {
          const id = `wamid.${wabaId}.${number.phone_number_id}.in${n}`;
          expected.push(`message ${id}`);
          return { from: `3933300000${n}`, id, timestamp: String(1763800000 + n), type: 'text', text: { body: `msg ${n} – è ż 好` } };
        });
        const statuses = ['sent', 'delivered', 'read', 'failed'].map((status, n) => {
          const id = `wamid.${wabaId}.${number.phone_number_id}.out${n}`;
          expected.push(`status ${id} ${status}`);
          return {
            id,
            status,
            timestamp: String(1763800100 + n),
            recipient_id: '393330000000',
            ...(status === 'failed' ? { errors: [{ code: 131026, title: 'Message undeliverable' }] } : {}),
          };
        });
        return {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: number,
            contacts: [0, 1, 2].map((n) => ({ profile: { name: `Customer ${n}` }, wa_id: `3933300000${n}` })),
            messages,
            statuses,
          },
        };
      }),
    });
    const items = deliver({ object: 'whatsapp_business_account', entry: [entry('WABA_A'), entry('WABA_B')] });
    expect(items).toHaveLength(2 * 2 * (3 + 4));
    expect(
      items.map((item) =>
        item.kind === 'message'
          ? `message ${item.message.wamid}`
          : item.kind === 'status'
            ? `status ${item.status.wamid} ${item.status.status}`
            : item.kind,
      ),
    ).toEqual(expected);
    expect(
      items
        .filter((item) => item.kind === 'message')
        .map((item) => (item.kind === 'message' ? [item.wabaId, item.phoneNumberId, item.sender.profileName] : [])),
    ).toEqual(['WABA_A', 'WABA_B'].flatMap((waba) => ['PN1', 'PN2'].flatMap((pn) => [0, 1, 2].map((n) => [waba, pn, `Customer ${n}`]))));
  });
});
