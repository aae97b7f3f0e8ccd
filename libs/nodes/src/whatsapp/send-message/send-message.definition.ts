import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

/** Meta's limits (Cloud API reference): checked on the config here and again after rendering. */
export const WHATSAPP_LIMITS = {
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
  caption: 1024,
  templateParameter: 1024,
} as const;

/** Kept for callers that only need the text limit. */
export const WHATSAPP_TEXT_MAX = WHATSAPP_LIMITS.text;

const text = (max: number, title: string) =>
  z.string().trim().min(1, 'is empty').max(max, `WhatsApp allows at most ${max} characters`).meta({ title, widget: 'message-text' });

const templateRef = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9_]{1,512}$/, 'template names are lower case letters, digits and "_"')
    .meta({ title: 'Template', widget: 'whatsapp-template' }),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a language code such as en_US or it')
    .meta({ title: 'Language' }),
  /** Values for {{1}}, {{2}}... of the body (message templates allowed). */
  bodyParameters: z.array(z.string().max(WHATSAPP_LIMITS.templateParameter)).max(20).default([]).meta({ title: 'Body parameters' }),
  /** Values for the header's {{1}} (text headers) or a media link (media headers). */
  headerParameter: z.string().max(2000).nullable().default(null).meta({ title: 'Header parameter' }),
  headerFormat: z.enum(['none', 'text', 'image', 'video', 'document']).default('none').meta({ title: 'Header type' }),
  /** Dynamic parts of buttons (URL suffix, coupon code), by button position. */
  buttonParameters: z
    .array(
      z.object({
        index: z.number().int().min(0).max(9),
        subType: z.enum(['url', 'quick_reply', 'copy_code']),
        value: z.string().min(1).max(2000),
      }),
    )
    .max(10)
    .default([])
    .meta({ title: 'Button parameters' }),
});
export type TemplateRef = z.infer<typeof templateRef>;

const button = z.object({
  id: z.string().trim().min(1).max(WHATSAPP_LIMITS.buttonId),
  title: z.string().trim().min(1).max(WHATSAPP_LIMITS.buttonTitle, `button titles are at most ${WHATSAPP_LIMITS.buttonTitle} characters`),
});

const row = z.object({
  id: z.string().trim().min(1).max(WHATSAPP_LIMITS.rowId),
  title: z.string().trim().min(1).max(WHATSAPP_LIMITS.rowTitle, `row titles are at most ${WHATSAPP_LIMITS.rowTitle} characters`),
  description: z.string().trim().max(WHATSAPP_LIMITS.rowDescription).default(''),
});

const unique = <T>(items: readonly T[], key: (item: T) => string) => new Set(items.map(key)).size === items.length;

export const messageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    text: text(WHATSAPP_LIMITS.text, 'Message'),
    previewUrl: z.boolean().default(false).meta({ title: 'Show a preview of the first link' }),
  }),
  z.object({ type: z.literal('template'), template: templateRef }),
  z.object({
    type: z.literal('buttons'),
    header: z.string().trim().max(WHATSAPP_LIMITS.headerText).default('').meta({ title: 'Header' }),
    body: text(WHATSAPP_LIMITS.interactiveBody, 'Message'),
    footer: z.string().trim().max(WHATSAPP_LIMITS.footer).default('').meta({ title: 'Footer' }),
    buttons: z
      .array(button)
      .min(1, 'add at least one button')
      .max(3, 'WhatsApp allows at most 3 reply buttons')
      .refine((b) => unique(b, (x) => x.id) && unique(b, (x) => x.title.toLocaleLowerCase()), 'button ids and titles must be unique')
      .meta({ title: 'Buttons' }),
  }),
  z.object({
    type: z.literal('list'),
    header: z.string().trim().max(WHATSAPP_LIMITS.headerText).default('').meta({ title: 'Header' }),
    body: text(WHATSAPP_LIMITS.interactiveBody, 'Message'),
    footer: z.string().trim().max(WHATSAPP_LIMITS.footer).default('').meta({ title: 'Footer' }),
    buttonText: z.string().trim().min(1).max(WHATSAPP_LIMITS.listButton).meta({ title: 'List button label' }),
    sections: z
      .array(z.object({ title: z.string().trim().max(WHATSAPP_LIMITS.sectionTitle).default(''), rows: z.array(row).min(1) }))
      .min(1)
      .max(WHATSAPP_LIMITS.listSections)
      .refine(
        (s) => s.reduce((n, x) => n + x.rows.length, 0) <= WHATSAPP_LIMITS.listRows,
        `a list has at most ${WHATSAPP_LIMITS.listRows} rows in all`,
      )
      .refine((s) => s.length === 1 || s.every((x) => x.title !== ''), 'every section needs a title when there are several')
      .refine(
        (s) =>
          unique(
            s.flatMap((x) => x.rows),
            (r) => r.id,
          ),
        'row ids must be unique',
      )
      .meta({ title: 'Sections' }),
  }),
  z.object({
    type: z.literal('media'),
    mediaType: z.enum(['image', 'video', 'audio', 'document']).meta({ title: 'Kind' }),
    link: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .meta({ title: 'Public link to the file' }),
    caption: z.string().trim().max(WHATSAPP_LIMITS.caption).default('').meta({ title: 'Caption' }),
    filename: z.string().trim().max(240).default('').meta({ title: 'File name (documents)' }),
  }),
]);
export type MessageConfig = z.infer<typeof messageSchema>;

export const sendMessageConfigSchema = z.object({
  message: messageSchema,
  /**
   * Drives the consent and frequency rules of the policy gate for free-form messages. A template is judged by
   * the category Meta gave it (the template registry); publishing refuses a step that declares another.
   */
  category: z.enum(['service', 'utility', 'marketing', 'authentication']).default('service').meta({ title: 'Kind of message' }),
  /** Sent instead when the customer has not written for 24 hours (free-form messages are refused then). */
  templateFallback: templateRef.nullable().default(null).meta({ title: 'Template to send outside the 24 h window' }),
});
export type SendMessageConfig = z.infer<typeof sendMessageConfigSchema>;

export const sendMessageDefinition = defineNode<SendMessageConfig>({
  type: 'whatsapp.send_message',
  version: 1,
  kind: 'action',
  category: 'WhatsApp',
  displayName: 'Send WhatsApp message',
  description: 'Sends text, a template, reply buttons, a list or media to the contact, through the WhatsApp policy gate.',
  synonyms: ['reply', 'answer', 'text', 'template', 'buttons', 'list', 'image', 'rispondi', 'invia messaggio', 'odpowiedz', 'wyślij'],
  configSchema: sendMessageConfigSchema,
  defaultConfig: { message: { type: 'text', text: 'Hello!', previewUrl: false }, category: 'service', templateFallback: null },
  outputs: [{ name: 'next', label: 'Sent' }],
  outputSchema: z.object({
    wamid: z.string(),
    waId: z.string().nullable(),
    usedFallback: z.boolean(),
    category: z
      .object({
        applied: z.enum(['service', 'utility', 'marketing', 'authentication']),
        declared: z.enum(['service', 'utility', 'marketing', 'authentication']),
        source: z.enum(['registry', 'not_in_registry', 'declared']),
        registryCategory: z.string().nullable(),
        reason: z.string(),
      })
      .optional(),
  }),
  sampleData: { wamid: 'wamid.HBgLMzkzMzMxMjM0NTY3FQIAERgS', waId: '393331234567', usedFallback: false },
  sideEffect: true,
  defaultRetry: { retries: 2, delaySeconds: 30, backoff: 'exponential' },
});
