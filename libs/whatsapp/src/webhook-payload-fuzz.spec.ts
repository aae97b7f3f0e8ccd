import { z } from 'zod';
import { parseWebhookItems, webhookEnvelopeSchema, type WebhookItem } from './webhook-payload';
import { change, CONTACTS, CUSTOMER, messagesValue, METADATA, webhook } from './webhook-fixtures.spec-helper';

/** mulberry32: small, fast and seedable, so a failure names the seed that reproduces it. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = { from: CUSTOMER, timestamp: '1749416383' };
const VALID = webhook(
  change(
    'messages',
    messagesValue({
      contacts: [...CONTACTS, { profile: { name: 'anon' }, user_id: 'US.1' }],
      messages: [
        {
          ...base,
          id: 'w1',
          type: 'text',
          text: { body: 'ciao è ż 好 😀' },
          referral: { source_url: 'https://fb.me/x', source_type: 'ad', ctwa_clid: 'c' },
          context: { forwarded: true },
        },
        { ...base, id: 'w2', type: 'image', image: { id: '1', mime_type: 'image/jpeg', sha256: 's', caption: 'c' } },
        { ...base, id: 'w3', type: 'audio', audio: { id: '2', mime_type: 'audio/ogg', voice: true } },
        { ...base, id: 'w4', type: 'document', document: { id: '3', filename: 'a.pdf' } },
        { ...base, id: 'w5', type: 'sticker', sticker: { id: '4', animated: false } },
        { ...base, id: 'w6', type: 'location', location: { latitude: 1.5, longitude: 2.5, name: 'n', address: 'a', url: 'https://x' } },
        { ...base, id: 'w7', type: 'contacts', contacts: [{ name: { formatted_name: 'A B' }, phones: [{ phone: '+1', wa_id: '1' }] }] },
        {
          ...base,
          id: 'w8',
          type: 'interactive',
          interactive: { type: 'button_reply', button_reply: { id: 'y', title: 'Yes' } },
          context: { from: '1', id: 'wamid.x' },
        },
        {
          ...base,
          id: 'w9',
          type: 'interactive',
          interactive: { type: 'list_reply', list_reply: { id: 'r', title: 'Row', description: 'd' } },
        },
        { ...base, id: 'w10', type: 'button', button: { payload: 'P', text: 'T' } },
        { ...base, id: 'w11', type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } },
        { ...base, id: 'w12', type: 'system', system: { body: 'b', wa_id: '2', type: 'user_changed_number' } },
        {
          ...base,
          id: 'w13',
          type: 'unsupported',
          errors: [{ code: 131051, title: 'Message type unknown', error_data: { details: 'd' } }],
        },
        { from_user_id: 'US.1', id: 'w14', timestamp: '1749416383', type: 'text', text: { body: 'bsuid' } },
        {
          ...base,
          id: 'w15',
          type: 'edit',
          edit: { original_message_id: 'w2', message: { type: 'image', image: { id: '1', mime_type: 'image/jpeg', caption: 'c2' } } },
        },
        { ...base, id: 'w16', type: 'revoke', revoke: { original_message_id: 'w1' } },
      ],
      statuses: [
        {
          id: 's1',
          status: 'sent',
          timestamp: '1',
          recipient_id: CUSTOMER,
          biz_opaque_callback_data: 'k',
          pricing: { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' },
        },
        {
          id: 's2',
          status: 'delivered',
          timestamp: '2',
          conversation: { id: 'c', expiration_timestamp: '3', origin: { type: 'service' } },
        },
        {
          id: 's3',
          status: 'failed',
          timestamp: '4',
          errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'd' } }],
        },
      ],
      errors: [{ code: 130429, title: 'Rate limit hit' }],
    }),
  ),
  change('user_preferences', {
    metadata: METADATA,
    contacts: CONTACTS,
    user_preferences: [{ wa_id: CUSTOMER, detail: 'd', category: 'marketing_messages', value: 'stop', timestamp: 1731705721 }],
  }),
  change('message_template_status_update', {
    event: 'APPROVED',
    message_template_id: 1,
    message_template_name: 'n',
    message_template_language: 'en',
    reason: 'NONE',
  }),
  change('template_category_update', {
    message_template_id: 1,
    message_template_name: 'n',
    message_template_language: 'en',
    previous_category: 'UTILITY',
    new_category: 'MARKETING',
  }),
  change('phone_number_quality_update', { display_phone_number: '1', event: 'UPGRADE', current_limit: 'TIER_10K', old_limit: 'TIER_2K' }),
  change('account_update', { event: 'VERIFIED_ACCOUNT' }),
  change('business_capability_update', { max_daily_conversation_per_phone: 1000 }),
  change('flows', { event: 'FLOW_STATUS_CHANGE' }),
);
const VALID_JSON = JSON.stringify(VALID);

const text = z.string();
const nullableText = z.string().nullable();
const date = z.date();
const sender = z.strictObject({ waId: nullableText, userId: nullableText, profileName: nullableText });
const error = z.strictObject({ code: z.number(), title: text, details: nullableText });
const record = z.record(z.string(), z.unknown());
const finite = z.number().refine(Number.isFinite);

/** What every item must look like, checked independently of the parser's own types. */
const wellTyped = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('message'),
    wabaId: text,
    phoneNumberId: text,
    displayPhoneNumber: nullableText,
    sender: sender.refine((s) => s.waId !== null || s.userId !== null),
    message: z.strictObject({
      wamid: text.min(1),
      from: nullableText,
      fromUserId: nullableText,
      timestamp: date,
      type: text.min(1),
      text: nullableText,
      reply: z.strictObject({ id: text, title: text, kind: z.enum(['button', 'list']) }).nullable(),
      location: z
        .strictObject({ latitude: finite, longitude: finite, name: nullableText, address: nullableText, url: nullableText })
        .nullable(),
      media: z
        .strictObject({
          kind: z.enum(['image', 'video', 'audio', 'document', 'sticker']),
          id: text,
          mimeType: nullableText,
          sha256: nullableText,
          caption: nullableText,
          filename: nullableText,
          voice: z.boolean(),
          animated: z.boolean(),
        })
        .nullable(),
      contacts: z.array(z.strictObject({ name: text, phones: z.array(text) })),
      reaction: z.strictObject({ messageId: text, emoji: text.min(1).nullable() }).nullable(),
      referral: z
        .strictObject({
          sourceUrl: nullableText,
          sourceId: nullableText,
          sourceType: nullableText,
          headline: nullableText,
          body: nullableText,
          mediaType: nullableText,
          ctwaClid: nullableText,
        })
        .nullable(),
      context: z
        .strictObject({ messageId: nullableText, from: nullableText, forwarded: z.boolean(), frequentlyForwarded: z.boolean() })
        .nullable(),
      system: z
        .strictObject({ kind: text, body: nullableText, newWaId: nullableText, userId: nullableText, previousUserId: nullableText })
        .nullable(),
      errors: z.array(error),
      unsupported: z.boolean(),
      raw: record,
    }),
  }),
  z.strictObject({
    kind: z.literal('message_change'),
    wabaId: text,
    phoneNumberId: text,
    displayPhoneNumber: nullableText,
    sender: sender.refine((s) => s.waId !== null || s.userId !== null),
    change: z.strictObject({
      kind: z.enum(['edit', 'revoke']),
      wamid: text.min(1),
      originalWamid: text.min(1),
      timestamp: date,
      text: nullableText,
      contentType: nullableText,
      raw: record,
    }),
  }),
  z.strictObject({
    kind: z.literal('status'),
    wabaId: text,
    phoneNumberId: text,
    status: z.strictObject({
      wamid: text.min(1),
      status: text.min(1),
      timestamp: date,
      recipientId: nullableText,
      callbackData: nullableText,
      errorCode: z.number().nullable(),
      errorTitle: nullableText,
      pricing: z
        .strictObject({ billable: z.boolean().nullable(), model: nullableText, category: nullableText, type: nullableText })
        .nullable(),
      conversation: z.strictObject({ id: nullableText, category: nullableText, expiresAt: date.nullable() }).nullable(),
      errors: z.array(error),
      raw: record,
    }),
  }),
  z.strictObject({
    kind: z.literal('user_preference'),
    wabaId: text,
    phoneNumberId: nullableText,
    sender: sender.refine((s) => s.waId !== null || s.userId !== null),
    category: text,
    value: z.enum(['stop', 'resume']),
    timestamp: date,
    detail: nullableText,
  }),
  z.strictObject({
    kind: z.literal('template_status'),
    wabaId: text,
    templateId: nullableText,
    name: text,
    language: nullableText,
    status: text,
    reason: nullableText,
  }),
  z.strictObject({
    kind: z.literal('template_category'),
    wabaId: text,
    templateId: nullableText,
    name: text,
    language: nullableText,
    previousCategory: nullableText,
    newCategory: text,
    upcomingCategory: nullableText,
    upcomingAt: date.nullable(),
  }),
  z.strictObject({
    kind: z.literal('number_quality'),
    wabaId: text,
    displayPhoneNumber: nullableText,
    event: text,
    currentLimit: nullableText,
    oldLimit: nullableText,
  }),
  z.strictObject({ kind: z.literal('account_update'), wabaId: text, field: text, event: nullableText, detail: record }),
  z.strictObject({
    kind: z.literal('error'),
    wabaId: text,
    phoneNumberId: nullableText,
    code: z.number(),
    title: text,
    details: nullableText,
  }),
  z.strictObject({ kind: z.literal('skipped'), wabaId: text, field: text, reason: text.min(1) }),
]);

interface Outcome {
  envelopes: number;
  items: number;
}

/** JSON text → JSON.parse (when it parses) → envelope schema → parser; the parser must never throw and every item must be well-typed. */
function feed(json: string, label: string, outcome: Outcome): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return;
  }
  feedValue(parsed, label, outcome);
}

function feedValue(value: unknown, label: string, outcome: Outcome): void {
  const envelope = webhookEnvelopeSchema.safeParse(value);
  if (!envelope.success) return;
  outcome.envelopes++;
  let items: WebhookItem[];
  try {
    items = parseWebhookItems(envelope.data);
  } catch (thrown) {
    throw new Error(`parseWebhookItems threw on ${label}: ${String(thrown)}`);
  }
  for (const item of items) {
    const checked = wellTyped.safeParse(item);
    if (!checked.success)
      throw new Error(`ill-typed item on ${label}: ${JSON.stringify(item).slice(0, 500)}: ${checked.error.message.slice(0, 500)}`);
    outcome.items++;
  }
}

/** Closes whatever a truncation left open, so most cut points still parse into a (smaller, odd) payload. */
function closeTruncated(prefix: string): string {
  const open: string[] = [];
  let inString = false;
  let escaped = false;
  for (const char of prefix) {
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') open.push('}');
    else if (char === '[') open.push(']');
    else if (char === '}' || char === ']') open.pop();
  }
  let text = prefix;
  if (inString) text += escaped ? '\\"' : '"';
  text = text.replace(/,\s*$/, '');
  if (/:\s*$/.test(text)) text += 'null';
  return text + open.reverse().join('');
}

function deepNesting(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

function randomValue(random: () => number): unknown {
  const pick = Math.floor(random() * 16);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return Math.floor(random() * 1e6) - 5e5;
    case 2:
      return random() * 1e300;
    case 3:
      return '';
    case 4:
      return 'x'.repeat(Math.floor(random() * 5000));
    case 5:
      return random() < 0.5;
    case 6:
      return [];
    case 7:
      return {};
    case 8:
      return deepNesting(200 + Math.floor(random() * 800), 'leaf');
    case 9:
      return Array.from({ length: 2000 + Math.floor(random() * 8000) }, (_, i) => (i % 3 === 0 ? null : { id: String(i), type: 'text' }));
    case 10:
      return String(Math.floor(random() * 1e15));
    case 11:
      return '\u0000\ud800😀\u202e';
    case 12:
      return { constructor: 1, __proto__: { polluted: true }, toString: 'x' };
    case 13:
      return [null, 1, 'a', {}, []];
    case 14:
      return -0;
    default:
      return Number.MAX_SAFE_INTEGER + 2;
  }
}

interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

function slotsOf(value: unknown, into: Slot[]): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((child, index) => {
      into.push({ parent: value, key: index });
      slotsOf(child, into);
    });
  } else if (typeof value === 'object' && value !== null) {
    const object = z.record(z.string(), z.unknown()).parse(value);
    for (const [key, child] of Object.entries(object)) {
      into.push({ parent: object, key });
      slotsOf(child, into);
    }
  }
  return into;
}

function assign(slot: Slot, value: unknown): void {
  if (Array.isArray(slot.parent)) {
    if (typeof slot.key === 'number') slot.parent[slot.key] = value;
  } else if (typeof slot.key === 'string') {
    if (value === undefined) delete slot.parent[slot.key];
    else slot.parent[slot.key] = value;
  }
}

describe('parseWebhookItems under malformed input (fuzz, seeded)', () => {
  it('reads the valid base payload completely', () => {
    const outcome = { envelopes: 0, items: 0 };
    feed(VALID_JSON, 'the valid payload', outcome);
    const items = parseWebhookItems(webhookEnvelopeSchema.parse(JSON.parse(VALID_JSON)));
    expect(items.map((item) => item.kind)).toEqual([
      ...Array<string>(14).fill('message'),
      'message_change',
      'message_change',
      ...Array<string>(3).fill('status'),
      'error',
      'user_preference',
      'template_status',
      'template_category',
      'number_quality',
      'account_update',
      'account_update',
      'skipped',
    ]);
  });

  it('survives the payload truncated at every byte offset, raw and with its brackets closed', () => {
    const outcome = { envelopes: 0, items: 0 };
    const bytes = Buffer.from(VALID_JSON);
    for (let offset = 0; offset <= bytes.length; offset++) {
      const prefix = bytes.subarray(0, offset).toString('utf8');
      feed(prefix, `truncation at ${offset}`, outcome);
      feed(closeTruncated(prefix), `closed truncation at ${offset}`, outcome);
    }
    // Closing the brackets makes a good share of the cut points real envelopes, so the parser saw them.
    expect(outcome.envelopes).toBeGreaterThan(bytes.length / 4);
  });

  it.each([1, 2, 3, 42, 20260101])('survives random type substitutions in nested fields (seed %i)', (seed) => {
    const random = prng(seed);
    const outcome = { envelopes: 0, items: 0 };
    for (let round = 0; round < 400; round++) {
      const payload: unknown = JSON.parse(VALID_JSON);
      const slots = slotsOf(payload, []);
      const mutations = 1 + Math.floor(random() * 4);
      for (let m = 0; m < mutations; m++) {
        const slot = slots[Math.floor(random() * slots.length)];
        if (slot) assign(slot, random() < 0.1 ? undefined : randomValue(random));
      }
      feedValue(payload, `seed ${seed} round ${round}`, outcome);
    }
    expect(outcome.envelopes).toBeGreaterThan(100);
  });

  it('survives huge arrays, deep nesting and nulls in every position', () => {
    const outcome = { envelopes: 0, items: 0 };
    const many = Array.from({ length: 20_000 }, (_, i) => ({
      from: '1',
      id: `w${i}`,
      timestamp: '1',
      type: 'text',
      text: { body: String(i) },
    }));
    feed(JSON.stringify(webhook(change('messages', messagesValue({ messages: many })))), 'twenty thousand messages', outcome);
    expect(outcome.items).toBe(20_000);
    // Built as text: JSON.stringify itself cannot write nesting this deep.
    const deep = (depth: number, leaf: string) => '[{"a":'.repeat(depth) + leaf + '}]'.repeat(depth);
    const envelopeAround = (value: string) =>
      `{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages","value":${value}}]}]}`;
    const metadata = JSON.stringify(METADATA);
    const before = outcome.envelopes;
    feed(
      envelopeAround(`{"metadata":${metadata},"messages":${deep(5000, 'null')},"statuses":${deep(5000, '1')}}`),
      'deep nesting',
      outcome,
    );
    feed(
      envelopeAround(
        `{"metadata":${metadata},"messages":[{"from":"1","id":"d","timestamp":"1","type":"text","text":${deep(5000, '"x"')}}]}`,
      ),
      'deep text',
      outcome,
    );
    feed(envelopeAround(deep(5000, '{}')), 'deep value', outcome);
    expect(outcome.envelopes - before).toBe(3);
    const slots = slotsOf(JSON.parse(VALID_JSON), []);
    slots.forEach((_, index) => {
      const payload: unknown = JSON.parse(VALID_JSON);
      const slot = slotsOf(payload, [])[index];
      if (slot) assign(slot, null);
      feedValue(payload, `null at slot ${index}`, outcome);
    });
    expect(outcome.envelopes).toBeGreaterThan(slots.length / 2);
  });
});
