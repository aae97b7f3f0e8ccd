import { CONTACTS, CUSTOMER, inbound, METADATA, onlyMessage, WABA_ID } from './webhook-fixtures.spec-helper';

const base = { from: CUSTOMER, timestamp: '1749416383' };
const NO_EXTRAS = {
  reply: null,
  location: null,
  media: null,
  contacts: [],
  reaction: null,
  referral: null,
  context: null,
  system: null,
  errors: [],
  unsupported: false,
};

describe('inbound messages (contract: Meta webhook reference shapes)', () => {
  it('text: the body, sender, wamid, own timestamp and the raw object as sent', () => {
    const wire = {
      ...base,
      id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
      type: 'text',
      text: { body: 'Quanto costa? 多少钱 😀' },
    };
    const item = onlyMessage(inbound(wire));
    expect(item).toEqual({
      kind: 'message',
      wabaId: WABA_ID,
      phoneNumberId: METADATA.phone_number_id,
      displayPhoneNumber: METADATA.display_phone_number,
      sender: { waId: CUSTOMER, userId: null, profileName: 'Sheena Nelson' },
      message: {
        wamid: wire.id,
        from: CUSTOMER,
        fromUserId: null,
        timestamp: new Date(1749416383 * 1000),
        type: 'text',
        text: 'Quanto costa? 多少钱 😀',
        ...NO_EXTRAS,
        raw: wire,
      },
    });
  });

  it('image: media id, mime type, sha256 and caption (the caption is also the text)', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.img',
        type: 'image',
        image: {
          caption: 'this one, price?',
          mime_type: 'image/jpeg',
          sha256: 'HgPZl6F0c0m3pTgbVfi3pTqOa4ALq8ltlROhX1Wq1fI=',
          id: '1003383421387256',
        },
      }),
    );
    expect(message).toMatchObject({
      type: 'image',
      text: 'this one, price?',
      media: {
        kind: 'image',
        id: '1003383421387256',
        mimeType: 'image/jpeg',
        sha256: 'HgPZl6F0c0m3pTgbVfi3pTqOa4ALq8ltlROhX1Wq1fI=',
        caption: 'this one, price?',
        filename: null,
        voice: false,
        animated: false,
      },
    });
  });

  it('video with a caption', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.vid',
        type: 'video',
        video: { caption: 'unboxing', mime_type: 'video/mp4', sha256: 'abc=', id: '1266271421347245' },
      }),
    );
    expect(message.media).toEqual({
      kind: 'video',
      id: '1266271421347245',
      mimeType: 'video/mp4',
      sha256: 'abc=',
      caption: 'unboxing',
      filename: null,
      voice: false,
      animated: false,
    });
    expect(message.text).toBe('unboxing');
  });

  it('audio: a voice note is flagged, and has no words', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.aud',
        type: 'audio',
        audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'def=', id: '1013859600285441', voice: true },
      }),
    );
    expect(message.media).toEqual({
      kind: 'audio',
      id: '1013859600285441',
      mimeType: 'audio/ogg; codecs=opus',
      sha256: 'def=',
      caption: null,
      filename: null,
      voice: true,
      animated: false,
    });
    expect(message.text).toBeNull();
  });

  it('document: filename and caption', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.doc',
        type: 'document',
        document: {
          caption: 'my invoice',
          filename: 'fattura-łódź.pdf',
          mime_type: 'application/pdf',
          sha256: 'ghi=',
          id: '2734929340243488',
        },
      }),
    );
    expect(message.media).toMatchObject({
      kind: 'document',
      filename: 'fattura-łódź.pdf',
      caption: 'my invoice',
      mimeType: 'application/pdf',
    });
    expect(message.text).toBe('my invoice');
  });

  it('sticker: animated flag', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.stk',
        type: 'sticker',
        sticker: { mime_type: 'image/webp', sha256: 'jkl=', id: '1228510861901396', animated: true },
      }),
    );
    expect(message.media).toEqual({
      kind: 'sticker',
      id: '1228510861901396',
      mimeType: 'image/webp',
      sha256: 'jkl=',
      caption: null,
      filename: null,
      voice: false,
      animated: true,
    });
  });

  it('location with name, address and url', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.loc',
        type: 'location',
        location: {
          address: '1 Hacker Way, Menlo Park, CA 94025',
          latitude: 37.483307,
          longitude: -122.148981,
          name: 'Philz Coffee',
          url: 'https://philz.com',
        },
      }),
    );
    expect(message.location).toEqual({
      latitude: 37.483307,
      longitude: -122.148981,
      name: 'Philz Coffee',
      address: '1 Hacker Way, Menlo Park, CA 94025',
      url: 'https://philz.com',
    });
    expect(message.text).toBeNull();
  });

  it('a pinned location without name or address', () => {
    const { message } = onlyMessage(
      inbound({ ...base, id: 'wamid.pin', type: 'location', location: { latitude: 45.4642, longitude: 9.19 } }),
    );
    expect(message.location).toEqual({ latitude: 45.4642, longitude: 9.19, name: null, address: null, url: null });
  });

  it('contacts: every shared card with its name and phones', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.vcf',
        type: 'contacts',
        contacts: [
          {
            addresses: [{ city: 'Menlo Park', country: 'United States', type: 'HOME' }],
            birthday: '1999-01-23',
            emails: [{ email: 'bjohnson@example.com', type: 'HOME' }],
            name: { first_name: 'Barbara', last_name: 'Johnson', middle_name: 'Joana', formatted_name: 'Barbara J. Johnson' },
            org: { company: 'Lucky Shrub' },
            phones: [
              { phone: '+1 (940) 555-1234', wa_id: '19405551234', type: 'HOME' },
              { phone: '+1 (650) 555-1234', type: 'WORK' },
            ],
          },
          { name: { first_name: 'Zofia', last_name: 'Wójcik' }, phones: [{ wa_id: '48600100200' }] },
        ],
      }),
    );
    expect(message.contacts).toEqual([
      { name: 'Barbara J. Johnson', phones: ['+1 (940) 555-1234', '+1 (650) 555-1234'] },
      { name: 'Zofia Wójcik', phones: ['48600100200'] },
    ]);
  });

  it('interactive button_reply: the reply, its title as text, and the message it answers', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.btn',
        type: 'interactive',
        context: { from: METADATA.display_phone_number, id: 'wamid.OUTBOUND1' },
        interactive: { type: 'button_reply', button_reply: { id: 'yes_please', title: 'Yes please' } },
      }),
    );
    expect(message).toMatchObject({
      text: 'Yes please',
      reply: { id: 'yes_please', title: 'Yes please', kind: 'button' },
      context: { messageId: 'wamid.OUTBOUND1', from: METADATA.display_phone_number, forwarded: false, frequentlyForwarded: false },
    });
  });

  it('interactive list_reply', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.lst',
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: { id: 'priority_express', title: 'Express Shipping', description: 'Next Day to 2 Days' },
        },
      }),
    );
    expect(message).toMatchObject({ text: 'Express Shipping', reply: { id: 'priority_express', title: 'Express Shipping', kind: 'list' } });
  });

  it('template quick-reply button: text is the label, the reply id is the payload', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.qr',
        type: 'button',
        context: { from: METADATA.display_phone_number, id: 'wamid.TEMPLATE1' },
        button: { payload: 'STOP_PROMOS', text: 'Stop promotions' },
      }),
    );
    expect(message).toMatchObject({
      type: 'button',
      text: 'Stop promotions',
      reply: { id: 'STOP_PROMOS', title: 'Stop promotions', kind: 'button' },
      context: { messageId: 'wamid.TEMPLATE1' },
    });
  });

  it('reaction, and a removed reaction (empty or missing emoji)', () => {
    expect(
      onlyMessage(inbound({ ...base, id: 'wamid.r1', type: 'reaction', reaction: { message_id: 'wamid.OUT', emoji: '👍🏽' } })).message
        .reaction,
    ).toEqual({
      messageId: 'wamid.OUT',
      emoji: '👍🏽',
    });
    expect(
      onlyMessage(inbound({ ...base, id: 'wamid.r2', type: 'reaction', reaction: { message_id: 'wamid.OUT', emoji: '' } })).message
        .reaction,
    ).toEqual({
      messageId: 'wamid.OUT',
      emoji: null,
    });
    expect(
      onlyMessage(inbound({ ...base, id: 'wamid.r3', type: 'reaction', reaction: { message_id: 'wamid.OUT' } })).message.reaction,
    ).toEqual({
      messageId: 'wamid.OUT',
      emoji: null,
    });
  });

  it('referral (click-to-WhatsApp ad) riding on a text', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.ad',
        type: 'text',
        text: { body: 'Can I get more info about this?' },
        referral: {
          source_url: 'https://fb.me/3cr4Wqqkv',
          source_id: '120226305854810726',
          source_type: 'ad',
          body: 'Summer sale: 20% off every sofa',
          headline: 'Chat with us',
          media_type: 'image',
          image_url: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/ad.png',
          ctwa_clid: 'Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNhEgpGo0AHemvuSoifXaytfTzcchptiErTKCqTrJ5nW1h7IHYeYymGb5K5J5iBZc',
          welcome_message: { text: 'Hi there! How can we help?' },
        },
      }),
    );
    expect(message.text).toBe('Can I get more info about this?');
    expect(message.referral).toEqual({
      sourceUrl: 'https://fb.me/3cr4Wqqkv',
      sourceId: '120226305854810726',
      sourceType: 'ad',
      headline: 'Chat with us',
      body: 'Summer sale: 20% off every sofa',
      mediaType: 'image',
      ctwaClid: 'Aff-n8ZTODiE79d22KtAwQKj9e_mIEOOj27vDVwFjN80dp4_0NiNhEgpGo0AHemvuSoifXaytfTzcchptiErTKCqTrJ5nW1h7IHYeYymGb5K5J5iBZc',
    });
  });

  it('forwarded and frequently forwarded messages', () => {
    const { message } = onlyMessage(
      inbound({ ...base, id: 'wamid.fw', type: 'text', text: { body: 'look' }, context: { forwarded: true, frequently_forwarded: true } }),
    );
    expect(message.context).toEqual({ messageId: null, from: null, forwarded: true, frequentlyForwarded: true });
  });

  it('system user_changed_number: no contacts array, the new number in system.wa_id', () => {
    const items = inbound(
      {
        from: CUSTOMER,
        id: 'wamid.sys',
        timestamp: '1749416383',
        type: 'system',
        system: { body: 'User Sheena Nelson changed from 16505551234 to 16505559999', wa_id: '16505559999', type: 'user_changed_number' },
      },
      null,
    );
    const item = onlyMessage(items);
    expect(item.sender).toEqual({ waId: CUSTOMER, userId: null, profileName: null });
    expect(item.message.system).toEqual({
      kind: 'user_changed_number',
      body: 'User Sheena Nelson changed from 16505551234 to 16505559999',
      newWaId: '16505559999',
      userId: null,
      previousUserId: null,
    });
    expect(item.message.text).toBeNull();
  });

  it('system message of an older API version with new_wa_id and customer_changed_number', () => {
    const { message } = onlyMessage(
      inbound(
        { ...base, id: 'wamid.sys2', type: 'system', system: { body: 'changed', new_wa_id: 16505559999, type: 'customer_changed_number' } },
        null,
      ),
    );
    expect(message.system).toEqual({
      kind: 'customer_changed_number',
      body: 'changed',
      newWaId: '16505559999',
      userId: null,
      previousUserId: null,
    });
  });

  it('system user_changed_number with the BSUIDs before and after (a number change also renews the BSUID)', () => {
    const { message } = onlyMessage(
      inbound(
        {
          ...base,
          id: 'wamid.sys3',
          type: 'system',
          system: {
            body: 'User Sheena Nelson changed from 16505551234 to 16505559999',
            wa_id: '16505559999',
            user_id: 'US.2',
            previous_user_id: 'US.1',
            type: 'user_changed_number',
          },
        },
        null,
      ),
    );
    expect(message.system).toMatchObject({ kind: 'user_changed_number', newWaId: '16505559999', userId: 'US.2', previousUserId: 'US.1' });
  });

  it('system user_changed_user_id names the customer by the BSUID they had when there is no number', () => {
    const item = onlyMessage(
      inbound(
        {
          id: 'wamid.sys4',
          timestamp: '1749416383',
          type: 'system',
          system: { type: 'user_changed_user_id', user_id: 'US.9', previous_user_id: 'US.8' },
        },
        null,
      ),
    );
    expect(item.sender).toEqual({ waId: null, userId: 'US.8', profileName: null });
    expect(item.message.system).toMatchObject({ kind: 'user_changed_user_id', userId: 'US.9', previousUserId: 'US.8' });
  });

  it('unsupported: flagged, with its errors, never dropped', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.uns',
        type: 'unsupported',
        errors: [
          {
            code: 131051,
            title: 'Message type unknown',
            message: 'Message type unknown',
            error_data: { details: 'Message type is currently not supported.' },
          },
        ],
        unsupported: { type: 'edit' },
      }),
    );
    expect(message).toMatchObject({
      type: 'unsupported',
      unsupported: true,
      text: null,
      errors: [{ code: 131051, title: 'Message type unknown', details: 'Message type is currently not supported.' }],
    });
    expect(
      onlyMessage(inbound({ ...base, id: 'wamid.unk', type: 'unknown', errors: [{ code: 131051, title: 'Unsupported message type' }] }))
        .message,
    ).toMatchObject({
      unsupported: true,
      errors: [{ code: 131051, title: 'Unsupported message type', details: null }],
    });
  });

  it('a sender known only by BSUID (usernames): no from, from_user_id and contacts[].user_id', () => {
    const item = onlyMessage(
      inbound({ from_user_id: 'US.13491208655302741918', id: 'wamid.bsuid', timestamp: '1749416383', type: 'text', text: { body: 'hi' } }, [
        { profile: { name: 'anon' }, user_id: 'US.13491208655302741918' },
      ]),
    );
    expect(item.sender).toEqual({ waId: null, userId: 'US.13491208655302741918', profileName: 'anon' });
    expect(item.message).toMatchObject({ from: null, fromUserId: 'US.13491208655302741918', text: 'hi' });
  });

  it('other types pass through with their type (order, request_welcome, nfm_reply)', () => {
    const order = onlyMessage(
      inbound({ ...base, id: 'wamid.ord', type: 'order', order: { catalog_id: '1', product_items: [], text: 'these please' } }),
    ).message;
    expect(order).toMatchObject({ type: 'order', unsupported: false, text: null });
    expect(onlyMessage(inbound({ ...base, id: 'wamid.wel', type: 'request_welcome' })).message.type).toBe('request_welcome');
    const flow = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.nfm',
        type: 'interactive',
        interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"a":1}' } },
      }),
    ).message;
    expect(flow).toMatchObject({ type: 'interactive', reply: null, text: null });
  });

  it('a malformed optional part degrades to absent instead of dropping the message', () => {
    const { message } = onlyMessage(
      inbound({
        ...base,
        id: 'wamid.odd',
        type: 'text',
        text: { body: 'still here' },
        referral: 'not an object',
        context: { id: 42, forwarded: 'yes' },
        location: { latitude: 'north' },
        errors: [{ code: 'x' }, { code: 131000 }],
      }),
    );
    expect(message).toMatchObject({
      text: 'still here',
      referral: null,
      location: null,
      context: { messageId: null, forwarded: false },
      errors: [{ code: 131000, title: 'error 131000' }],
    });
  });

  it('keeps the profile name when a single contact accompanies a message', () => {
    expect(onlyMessage(inbound({ ...base, id: 'wamid.c', type: 'text', text: { body: 'x' } }, CONTACTS)).sender.profileName).toBe(
      'Sheena Nelson',
    );
  });
});
