import { z } from 'zod';

/** Meta's limits on message bodies (Cloud API reference). */
export const LIMITS = {
  text: 4096,
  interactiveBody: 1024,
  headerText: 60,
  footer: 60,
  buttonTitle: 20,
  buttonId: 256,
  listButton: 20,
  sectionTitle: 24,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  listRows: 10,
  listSections: 10,
} as const;

export const sendRequestSchema = z.looseObject({
  messaging_product: z.literal('whatsapp', { error: 'The parameter messaging_product is required and must be "whatsapp".' }),
  recipient_type: z.literal('individual').optional(),
  to: z.string({ error: 'The parameter to is required.' }).min(1, 'The parameter to is required.'),
  type: z.string().default('text'),
  biz_opaque_callback_data: z.string().max(512, 'biz_opaque_callback_data must be at most 512 characters.').optional(),
  context: z.looseObject({ message_id: z.string() }).optional(),
});

const max = (limit: number, name: string) => z.string({ error: `Param ${name} is required.` }).min(1, `Param ${name} is required.`).max(limit, `Param ${name} must be at most ${limit} characters long.`);

export const textSchema = z.looseObject({ body: max(LIMITS.text, "text['body']"), preview_url: z.boolean().optional() });

export const templateSchema = z.looseObject({
  name: z.string({ error: "Param template['name'] is required." }).regex(/^[a-z0-9_]{1,512}$/, "Param template['name'] is invalid."),
  language: z.looseObject({ code: z.string({ error: "Param template['language']['code'] is required." }).min(2) }),
  components: z.array(z.looseObject({ type: z.string() })).optional(),
});

const buttons = z
  .array(z.looseObject({ type: z.literal('reply'), reply: z.looseObject({ id: max(LIMITS.buttonId, 'reply id'), title: max(LIMITS.buttonTitle, "button title") }) }))
  .min(1, "Param interactive['action']['buttons'] must have at least 1 element.")
  .max(3, "Param interactive['action']['buttons'] must have at most 3 elements.")
  .refine((b) => new Set(b.map((x) => x.reply.id)).size === b.length && new Set(b.map((x) => x.reply.title)).size === b.length, 'Button ids and titles must be unique.');

const rows = z.array(
  z.looseObject({ id: max(LIMITS.rowId, 'row id'), title: max(LIMITS.rowTitle, 'row title'), description: z.string().max(LIMITS.rowDescription, `Param row description must be at most ${LIMITS.rowDescription} characters long.`).optional() }),
);

export const interactiveSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('button'),
    body: z.looseObject({ text: max(LIMITS.interactiveBody, "interactive['body']['text']") }),
    footer: z.looseObject({ text: z.string().max(LIMITS.footer) }).optional(),
    action: z.looseObject({ buttons }),
  }),
  z.looseObject({
    type: z.literal('list'),
    body: z.looseObject({ text: max(LIMITS.interactiveBody, "interactive['body']['text']") }),
    footer: z.looseObject({ text: z.string().max(LIMITS.footer) }).optional(),
    action: z.looseObject({
      button: max(LIMITS.listButton, "interactive['action']['button']"),
      sections: z
        .array(z.looseObject({ title: z.string().max(LIMITS.sectionTitle).optional(), rows: rows.min(1) }))
        .min(1)
        .max(LIMITS.listSections)
        .refine((s) => s.reduce((n, x) => n + x.rows.length, 0) <= LIMITS.listRows, `A list can have at most ${LIMITS.listRows} rows in all sections.`),
    }),
  }),
]);

export const mediaSchema = z.looseObject({ link: z.url().optional(), id: z.string().optional(), caption: z.string().max(1024).optional() }).refine((m) => m.link !== undefined || m.id !== undefined, 'Media needs a link or an id.');

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
