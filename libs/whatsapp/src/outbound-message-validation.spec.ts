import { validateOutboundMessage } from './outbound-message-validation';

const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '393331234567' };
const x = (n: number) => 'x'.repeat(n);
/** Multi-byte and astral characters count as one character each, as Meta counts them. */
const wide = (n: number) => 'ż😀'.repeat(Math.floor(n / 2)) + (n % 2 === 1 ? 'ż' : '');

function text(body: string) {
  return { ...envelope, type: 'text', text: { body } };
}

function buttons(titles: string[], ids?: string[]) {
  return {
    ...envelope,
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: 'Pick one' },
      action: { buttons: titles.map((title, i) => ({ type: 'reply', reply: { id: ids?.[i] ?? `id_${i}`, title } })) },
    },
  };
}

function buttonMessage(parts: { header?: unknown; body?: string; footer?: unknown }) {
  return {
    ...envelope,
    type: 'interactive',
    interactive: {
      type: 'button',
      ...(parts.header === undefined ? {} : { header: parts.header }),
      body: { text: parts.body ?? 'Pick one' },
      ...(parts.footer === undefined ? {} : { footer: parts.footer }),
      action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] },
    },
  };
}

type Row = { id?: string; title?: string; description?: string };
function list(sections: { title?: string; rows: Row[] }[], button = 'Choose') {
  return {
    ...envelope,
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: 'Our sofas' },
      action: {
        button,
        sections: sections.map((section, s) => ({
          ...(section.title === undefined ? {} : { title: section.title }),
          rows: section.rows.map((row, r) => ({
            id: row.id ?? `row_${s}_${r}`,
            title: row.title ?? `Row ${s}.${r}`,
            ...(row.description === undefined ? {} : { description: row.description }),
          })),
        })),
      },
    },
  };
}

function template(components: unknown[], extra: Record<string, unknown> = {}) {
  return { ...envelope, type: 'template', template: { name: 'order_update', language: { code: 'en_US' }, components, ...extra } };
}

function media(type: string, content: Record<string, unknown>) {
  return { ...envelope, type, [type]: content };
}

function reaction(emoji: unknown, messageId: unknown = 'wamid.HBgLMTY1') {
  return { ...envelope, type: 'reaction', reaction: { message_id: messageId, emoji } };
}

function reactionWithout(key: 'message_id' | 'emoji') {
  const { [key]: _dropped, ...rest } = { message_id: 'wamid.HBgLMTY1', emoji: '👍' };
  return { ...envelope, type: 'reaction', reaction: rest };
}

describe('validateOutboundMessage', () => {
  // Each limit: at the limit passes, one over fails naming the field.
  it.each<[string, (n: number) => Record<string, unknown>, number, string]>([
    ['text body', (n) => text(x(n)), 4096, 'text.body'],
    ['text body in characters, not UTF-16 units', (n) => text(wide(n)), 4096, 'text.body'],
    ['reply button title', (n) => buttons(['Yes', x(n)]), 20, 'interactive.action.buttons[1].reply.title'],
    ['reply button id', (n) => buttons(['Yes', 'No'], ['yes', x(n)]), 256, 'interactive.action.buttons[1].reply.id'],
    ['reply buttons body', (n) => buttonMessage({ body: x(n) }), 1024, 'interactive.body.text'],
    ['header text', (n) => buttonMessage({ header: { type: 'text', text: x(n) } }), 60, 'interactive.header.text'],
    ['footer text', (n) => buttonMessage({ footer: { text: x(n) } }), 60, 'interactive.footer.text'],
    ['list button text', (n) => list([{ rows: [{}] }], x(n)), 20, 'interactive.action.button'],
    ['list row title', (n) => list([{ rows: [{ title: x(n) }] }]), 24, 'interactive.action.sections[0].rows[0].title'],
    ['list row id', (n) => list([{ rows: [{ id: x(n) }] }]), 200, 'interactive.action.sections[0].rows[0].id'],
    ['list row description', (n) => list([{ rows: [{ description: x(n) }] }]), 72, 'interactive.action.sections[0].rows[0].description'],
    [
      'list section title',
      (n) =>
        list([
          { title: 'Sofas', rows: [{}] },
          { title: x(n), rows: [{}] },
        ]),
      24,
      'interactive.action.sections[1].title',
    ],
    [
      'template header text parameter',
      (n) => template([{ type: 'header', parameters: [{ type: 'text', text: x(n) }] }]),
      60,
      'template.components[0].parameters[0].text',
    ],
    [
      'template body text parameter beside other components',
      (n) =>
        template([
          { type: 'header', parameters: [{ type: 'text', text: 'Hi' }] },
          { type: 'body', parameters: [{ type: 'text', text: x(n) }] },
        ]),
      1024,
      'template.components[1].parameters[0].text',
    ],
    [
      'named parameter name',
      (n) => template([{ type: 'body', parameters: [{ type: 'text', parameter_name: 'a'.repeat(n), text: 'Ana' }] }]),
      20,
      'template.components[0].parameters[0].parameter_name',
    ],
    ['image caption', (n) => media('image', { link: 'https://cdn.example/sofa.jpg', caption: x(n) }), 1024, 'image.caption'],
    ['video caption', (n) => media('video', { id: '1266271421347245', caption: x(n) }), 1024, 'video.caption'],
    ['document caption', (n) => media('document', { id: '1', caption: x(n) }), 1024, 'document.caption'],
    ['document filename', (n) => media('document', { id: '1', filename: `${x(n - 4)}.pdf` }), 240, 'document.filename'],
    ['callback data (bytes)', (n) => ({ ...text('hi'), biz_opaque_callback_data: x(n) }), 512, 'biz_opaque_callback_data'],
    ['phone number digits', (n) => ({ ...text('hi'), to: '3'.repeat(n) }), 15, 'to'],
  ])('%s: at the limit passes, one over fails', (_name, build, limit, field) => {
    expect(validateOutboundMessage(build(limit))).toEqual({ ok: true });
    expect(validateOutboundMessage(build(limit + 1))).toEqual({ ok: false, field, message: expect.any(String) });
  });

  it.each<[string, (n: number) => Record<string, unknown>, number, string]>([
    ['reply buttons', (n) => buttons(Array.from({ length: n }, (_, i) => `Option ${i}`)), 3, 'interactive.action.buttons'],
    [
      'list sections',
      (n) => list(Array.from({ length: n }, (_, i) => ({ title: `S${i}`, rows: [{}] }))),
      10,
      'interactive.action.sections',
    ],
    ['list rows in one section', (n) => list([{ rows: Array.from({ length: n }, () => ({})) }]), 10, 'interactive.action.sections[0].rows'],
    [
      'list rows across sections',
      (n) =>
        list([
          { title: 'A', rows: Array.from({ length: 5 }, () => ({})) },
          { title: 'B', rows: Array.from({ length: n - 5 }, () => ({})) },
        ]),
      10,
      'interactive.action.sections[1].rows[5]',
    ],
  ])('%s: %i pass, one more fails', (_name, build, limit, field) => {
    expect(validateOutboundMessage(build(limit))).toEqual({ ok: true });
    expect(validateOutboundMessage(build(limit + 1))).toMatchObject({ ok: false, field });
  });

  it('text: empty body, missing body, and a non-boolean preview_url fail', () => {
    expect(validateOutboundMessage(text(''))).toMatchObject({ ok: false, field: 'text.body' });
    expect(validateOutboundMessage({ ...envelope, type: 'text', text: {} })).toMatchObject({
      ok: false,
      field: 'text.body',
      message: 'is required',
    });
    expect(validateOutboundMessage({ ...envelope, type: 'text' })).toMatchObject({ ok: false, field: 'text' });
    expect(
      validateOutboundMessage({ ...envelope, type: 'text', text: { body: 'https://shop.example', preview_url: 'yes' } }),
    ).toMatchObject({ ok: false, field: 'text.preview_url' });
    expect(validateOutboundMessage({ ...envelope, text: { body: 'type defaults to text' } })).toEqual({ ok: true });
  });

  it('envelope: recipient as digits (optional +) or a BSUID, product and type', () => {
    expect(validateOutboundMessage({ ...text('hi'), to: '+393331234567' })).toEqual({ ok: true });
    expect(validateOutboundMessage({ ...text('hi'), to: '123456' })).toEqual({ ok: true });
    expect(validateOutboundMessage({ ...text('hi'), to: '12345' })).toMatchObject({ ok: false, field: 'to' });
    expect(validateOutboundMessage({ ...text('hi'), to: '+39 333 1234567' })).toMatchObject({ ok: false, field: 'to' });
    expect(validateOutboundMessage({ ...text('hi'), to: 393331234567 })).toMatchObject({ ok: false, field: 'to' });
    const { to: _to, ...withoutTo } = text('hi');
    expect(validateOutboundMessage(withoutTo)).toMatchObject({ ok: false, field: 'to' });
    expect(validateOutboundMessage({ ...withoutTo, recipient: 'US.13491208655302741918' })).toEqual({ ok: true });
    expect(validateOutboundMessage({ ...withoutTo, recipient: '' })).toMatchObject({ ok: false, field: 'recipient' });
    expect(validateOutboundMessage({ ...text('hi'), messaging_product: 'sms' })).toMatchObject({ ok: false, field: 'messaging_product' });
    expect(validateOutboundMessage({ ...text('hi'), type: 'fax' })).toMatchObject({ ok: false, field: 'type' });
    expect(validateOutboundMessage({ ...text('hi'), context: { message_id: 'wamid.X' } })).toEqual({ ok: true });
    expect(validateOutboundMessage({ ...text('hi'), context: {} })).toMatchObject({ ok: false, field: 'context.message_id' });
    expect(validateOutboundMessage({ ...text('hi'), biz_opaque_callback_data: 'ż'.repeat(257) })).toMatchObject({
      ok: false,
      field: 'biz_opaque_callback_data',
    });
  });

  it('reply buttons: titles and ids unique, type reply, at least one', () => {
    expect(validateOutboundMessage(buttons(['Yes', 'Yes']))).toMatchObject({
      ok: false,
      field: 'interactive.action.buttons[1].reply.title',
    });
    expect(validateOutboundMessage(buttons(['Yes', 'No'], ['same', 'same']))).toMatchObject({
      ok: false,
      field: 'interactive.action.buttons[1].reply.id',
    });
    expect(validateOutboundMessage(buttons([]))).toMatchObject({ ok: false, field: 'interactive.action.buttons' });
    expect(validateOutboundMessage(buttons(['Yes', '']))).toMatchObject({ ok: false, field: 'interactive.action.buttons[1].reply.title' });
    const wrongType = buttons(['Yes']);
    expect(
      validateOutboundMessage({
        ...wrongType,
        interactive: { ...wrongType.interactive, action: { buttons: [{ type: 'url', reply: { id: 'a', title: 'b' } }] } },
      }),
    ).toMatchObject({ ok: false, field: 'interactive.action.buttons[0].type' });
    expect(validateOutboundMessage(buttonMessage({ header: { type: 'image', image: { link: 'https://cdn.example/a.jpg' } } }))).toEqual({
      ok: true,
    });
    expect(
      validateOutboundMessage(buttonMessage({ header: { type: 'image', image: { link: 'http://cdn.example/a.jpg' } } })),
    ).toMatchObject({ ok: false, field: 'interactive.header.image.link' });
  });

  it('lists: a section title is required only with several sections; row ids unique across sections; text headers only', () => {
    expect(validateOutboundMessage(list([{ rows: [{}] }]))).toEqual({ ok: true });
    expect(validateOutboundMessage(list([{ title: 'A', rows: [{}] }, { rows: [{}] }]))).toMatchObject({
      ok: false,
      field: 'interactive.action.sections[1].title',
    });
    expect(
      validateOutboundMessage(
        list([
          { title: 'A', rows: [{ id: 'dup' }] },
          { title: 'B', rows: [{ id: 'dup' }] },
        ]),
      ),
    ).toMatchObject({
      ok: false,
      field: 'interactive.action.sections[1].rows[0].id',
    });
    expect(validateOutboundMessage(list([{ rows: [] }]))).toMatchObject({ ok: false, field: 'interactive.action.sections[0].rows' });
    const withImage = list([{ rows: [{}] }]);
    expect(
      validateOutboundMessage({
        ...withImage,
        interactive: { ...withImage.interactive, header: { type: 'image', image: { link: 'https://cdn.example/a.jpg' } } },
      }),
    ).toMatchObject({ ok: false, field: 'interactive.header.type' });
    const longBody = list([{ rows: [{}] }]);
    expect(validateOutboundMessage({ ...longBody, interactive: { ...longBody.interactive, body: { text: x(4096) } } })).toEqual({
      ok: true,
    });
    expect(validateOutboundMessage({ ...longBody, interactive: { ...longBody.interactive, body: { text: x(4097) } } })).toMatchObject({
      ok: false,
      field: 'interactive.body.text',
    });
  });

  it('templates: name, language code and well-formed parameters', () => {
    expect(
      validateOutboundMessage(
        template([
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/sofa.jpg' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ana' },
              { type: 'currency', currency: { fallback_value: '€10.99', code: 'EUR', amount_1000: 10990 } },
              { type: 'date_time', date_time: { fallback_value: '23 June 2026' } },
            ],
          },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP' }] },
          { type: 'button', sub_type: 'url', index: 1, parameters: [{ type: 'text', text: 'ORDER123' }] },
          { type: 'button', sub_type: 'copy_code', index: '2', parameters: [{ type: 'coupon_code', coupon_code: 'SUMMER20' }] },
        ]),
      ),
    ).toEqual({ ok: true });
    expect(validateOutboundMessage(template([], { name: '' }))).toMatchObject({ ok: false, field: 'template.name' });
    expect(validateOutboundMessage(template([], { language: { policy: 'deterministic' } }))).toMatchObject({
      ok: false,
      field: 'template.language.code',
    });
    expect(validateOutboundMessage(template([], { language: 'en' }))).toMatchObject({ ok: false, field: 'template.language' });
    expect(validateOutboundMessage(template([{ type: 'body', parameters: [{ type: 'text' }] }]))).toMatchObject({
      ok: false,
      field: 'template.components[0].parameters[0].text',
    });
    expect(validateOutboundMessage(template([{ type: 'body', parameters: [{ text: 'no type' }] }]))).toMatchObject({
      ok: false,
      field: 'template.components[0].parameters[0].type',
    });
    expect(
      validateOutboundMessage(
        template([{ type: 'body', parameters: [{ type: 'currency', currency: { fallback_value: '€1', code: 'EUR', amount_1000: 1.5 } }] }]),
      ),
    ).toMatchObject({
      ok: false,
      field: 'template.components[0].parameters[0].currency.amount_1000',
    });
    expect(
      validateOutboundMessage(template([{ type: 'header', parameters: [{ type: 'document', document: { id: '1', link: 'https://x' } }] }])),
    ).toMatchObject({
      ok: false,
      field: 'template.components[0].parameters[0].document',
    });
    expect(validateOutboundMessage(template([{ type: 'button', index: '0', parameters: [] }]))).toMatchObject({
      ok: false,
      field: 'template.components[0].sub_type',
    });
    expect(validateOutboundMessage(template([{ type: 'button', sub_type: 'url', parameters: [] }]))).toMatchObject({
      ok: false,
      field: 'template.components[0].index',
    });
    expect(validateOutboundMessage(template([{ type: 'body', parameters: [{ type: 'text', text: x(5000) }] }]))).toEqual({ ok: true });
  });

  it('templates: named parameters are lower-case, and never mixed with positional ones', () => {
    const named = (name: string) => ({ type: 'text', parameter_name: name, text: 'Ana' });
    expect(
      validateOutboundMessage(
        template([
          { type: 'header', parameters: [named('order_id')] },
          { type: 'body', parameters: [named('first_name'), named('discount')] },
        ]),
      ),
    ).toEqual({
      ok: true,
    });
    expect(validateOutboundMessage(template([{ type: 'body', parameters: [named('FirstName')] }]))).toMatchObject({
      ok: false,
      field: 'template.components[0].parameters[0].parameter_name',
    });
    expect(
      validateOutboundMessage(template([{ type: 'body', parameters: [named('first_name'), { type: 'text', text: 'positional' }] }])),
    ).toMatchObject({
      ok: false,
      field: 'template.components[0].parameters[1].parameter_name',
      message: expect.stringContaining('mixed'),
    });
    expect(
      validateOutboundMessage(
        template([
          { type: 'header', parameters: [{ type: 'text', text: 'Hi' }] },
          { type: 'body', parameters: [named('first_name')] },
        ]),
      ),
    ).toMatchObject({
      ok: false,
      field: 'template.components[1].parameters[0].parameter_name',
    });
  });

  it('media: exactly one of id or an https link', () => {
    for (const type of ['image', 'video', 'audio', 'document', 'sticker']) {
      expect(validateOutboundMessage(media(type, { id: '1003383421387256' }))).toEqual({ ok: true });
      expect(validateOutboundMessage(media(type, { link: 'https://cdn.example/file' }))).toEqual({ ok: true });
      expect(validateOutboundMessage(media(type, {}))).toMatchObject({ ok: false, field: type });
      expect(validateOutboundMessage(media(type, { id: '1', link: 'https://cdn.example/file' }))).toMatchObject({ ok: false, field: type });
      expect(validateOutboundMessage(media(type, { link: 'http://cdn.example/file' }))).toMatchObject({ ok: false, field: `${type}.link` });
      expect(validateOutboundMessage(media(type, { link: 'not a url' }))).toMatchObject({ ok: false, field: `${type}.link` });
    }
  });

  it('reaction: a message id and a single emoji, or an empty one to remove it', () => {
    for (const emoji of ['👍', '👍🏽', '❤️', '🇮🇹', '👨‍👩‍👧', '1️⃣', '']) expect(validateOutboundMessage(reaction(emoji))).toEqual({ ok: true });
    for (const emoji of ['👍👍', 'ok', 'a', ' ', '👍 '])
      expect(validateOutboundMessage(reaction(emoji))).toMatchObject({ ok: false, field: 'reaction.emoji' });
    expect(validateOutboundMessage(reactionWithout('emoji'))).toMatchObject({ ok: false, field: 'reaction.emoji' });
    expect(validateOutboundMessage(reactionWithout('message_id'))).toMatchObject({ ok: false, field: 'reaction.message_id' });
    expect(validateOutboundMessage(reaction('👍', ''))).toMatchObject({ ok: false, field: 'reaction.message_id' });
  });

  it('location and contacts', () => {
    expect(
      validateOutboundMessage({
        ...envelope,
        type: 'location',
        location: { latitude: 45.4642, longitude: 9.19, name: 'Showroom', address: 'Via Roma 1' },
      }),
    ).toEqual({ ok: true });
    expect(validateOutboundMessage({ ...envelope, type: 'location', location: { latitude: 91, longitude: 9.19 } })).toMatchObject({
      ok: false,
      field: 'location.latitude',
    });
    expect(
      validateOutboundMessage({
        ...envelope,
        type: 'contacts',
        contacts: [{ name: { formatted_name: 'Shop', first_name: 'Shop' }, phones: [{ phone: '+39 02 1234' }] }],
      }),
    ).toEqual({
      ok: true,
    });
    expect(validateOutboundMessage({ ...envelope, type: 'contacts', contacts: [{ phones: [] }] })).toMatchObject({
      ok: false,
      field: 'contacts[0].name',
    });
  });
});
