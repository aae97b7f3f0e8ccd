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
  templateParameter: 1024,
  caption: 1024,
} as const;

const messagingProduct = z.literal('whatsapp', { error: 'The parameter messaging_product is required and must be "whatsapp".' });

export const sendRequestSchema = z
  .looseObject({
    messaging_product: messagingProduct,
    recipient_type: z.literal('individual').optional(),
    to: z.string({ error: 'The parameter to is required.' }).min(1, 'The parameter to is required.').optional(),
    /** A business-scoped user id (BSUID); `to` wins when both are set. */
    recipient: z.string().min(1).optional(),
    type: z.string().default('text'),
    biz_opaque_callback_data: z.string().max(512, 'biz_opaque_callback_data must be at most 512 characters.').optional(),
    context: z.looseObject({ message_id: z.string() }).optional(),
  })
  .refine((m) => m.to !== undefined || m.recipient !== undefined, 'The parameter to is required.');

/** Mark an inbound message read, optionally showing "typing…" (same endpoint as sends). */
export const markReadSchema = z.looseObject({
  messaging_product: messagingProduct,
  status: z.literal('read', { error: 'The parameter status must be "read".' }),
  message_id: z.string({ error: 'The parameter message_id is required.' }).min(1, 'The parameter message_id is required.'),
  typing_indicator: z.looseObject({ type: z.literal('text') }).optional(),
});

const max = (limit: number, name: string) =>
  z
    .string({ error: `Param ${name} is required.` })
    .min(1, `Param ${name} is required.`)
    .max(limit, `Param ${name} must be at most ${limit} characters long.`);

export const textSchema = z.looseObject({ body: max(LIMITS.text, "text['body']"), preview_url: z.boolean().optional() });

const PARAMETER_TYPES = [
  'text',
  'currency',
  'date_time',
  'image',
  'video',
  'document',
  'location',
  'payload',
  'coupon_code',
  'action',
  'product',
] as const;

export const templateParameterSchema = z
  .looseObject({
    type: z.enum(PARAMETER_TYPES, { error: 'Invalid parameter type.' }),
    parameter_name: z
      .string()
      .regex(/^[a-z0-9_]{1,20}$/, 'parameter_name must be lowercase letters, digits and underscores, at most 20.')
      .optional(),
    text: z
      .string()
      .min(1, 'A text parameter cannot be empty.')
      .max(LIMITS.templateParameter, `A text parameter must be at most ${LIMITS.templateParameter} characters long.`)
      .optional(),
  })
  .refine((p) => p[p.type] !== undefined, 'Each parameter needs the object named by its type.');
export type TemplateParameter = z.infer<typeof templateParameterSchema>;

export const templateSendComponentSchema = z.looseObject({
  type: z.enum(['header', 'body', 'button', 'carousel', 'limited_time_offer'], { error: 'Invalid component type.' }),
  sub_type: z.enum(['quick_reply', 'url', 'copy_code', 'flow', 'catalog', 'mpm', 'voice_call']).optional(),
  index: z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]).optional(),
  parameters: z.array(templateParameterSchema).optional(),
});
export type TemplateSendComponent = z.infer<typeof templateSendComponentSchema>;

export const templateSchema = z
  .looseObject({
    name: z.string({ error: "Param template['name'] is required." }).regex(/^[a-z0-9_]{1,512}$/, "Param template['name'] is invalid."),
    language: z.looseObject({
      code: z.string({ error: "Param template['language']['code'] is required." }).min(2),
      policy: z.literal('deterministic').optional(),
    }),
    components: z.array(templateSendComponentSchema).optional(),
  })
  .refine((t) => {
    const parameters = (t.components ?? []).flatMap((c) => c.parameters ?? []);
    const named = parameters.filter((p) => p.parameter_name !== undefined).length;
    return named === 0 || named === parameters.filter((p) => p.type === 'text').length;
  }, 'Named and positional parameters cannot be mixed in one template message.');
export type TemplateSend = z.infer<typeof templateSchema>;

const buttons = z
  .array(
    z.looseObject({
      type: z.literal('reply'),
      reply: z.looseObject({ id: max(LIMITS.buttonId, 'reply id'), title: max(LIMITS.buttonTitle, 'button title') }),
    }),
  )
  .min(1, "Param interactive['action']['buttons'] must have at least 1 element.")
  .max(3, "Param interactive['action']['buttons'] must have at most 3 elements.")
  .refine(
    (b) => new Set(b.map((x) => x.reply.id)).size === b.length && new Set(b.map((x) => x.reply.title)).size === b.length,
    'Button ids and titles must be unique.',
  );

const rows = z.array(
  z.looseObject({
    id: max(LIMITS.rowId, 'row id'),
    title: max(LIMITS.rowTitle, 'row title'),
    description: z
      .string()
      .max(LIMITS.rowDescription, `Param row description must be at most ${LIMITS.rowDescription} characters long.`)
      .optional(),
  }),
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
        .refine(
          (s) => s.reduce((n, x) => n + x.rows.length, 0) <= LIMITS.listRows,
          `A list can have at most ${LIMITS.listRows} rows in all sections.`,
        ),
    }),
  }),
]);

export const mediaSchema = z
  .looseObject({
    link: z.url().optional(),
    id: z.string().optional(),
    caption: z.string().max(LIMITS.caption).optional(),
    filename: z.string().max(240).optional(),
  })
  .refine((m) => m.link !== undefined || m.id !== undefined, 'Media needs a link or an id.');

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export const reactionSchema = z.looseObject({
  message_id: z.string({ error: "Param reaction['message_id'] is required." }).min(1),
  /** An empty emoji removes the reaction. */
  emoji: z.string({ error: "Param reaction['emoji'] is required." }).max(16),
});

export const locationSchema = z.looseObject({
  latitude: z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]),
  longitude: z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]),
  name: z.string().max(1000).optional(),
  address: z.string().max(1000).optional(),
});

export const contactsSchema = z
  .array(
    z.looseObject({
      name: z.looseObject({ formatted_name: z.string({ error: "Param contacts['name']['formatted_name'] is required." }).min(1) }),
    }),
  )
  .min(1, 'At least one contact is required.');
