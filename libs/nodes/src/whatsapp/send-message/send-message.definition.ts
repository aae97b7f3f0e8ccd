import { defineNode } from '@parley/flow-core';
import { z } from 'zod';

/** Meta's limit on a text message body. */
export const WHATSAPP_TEXT_MAX = 4096;

export const sendMessageConfigSchema = z.object({
  message: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('text'),
      text: z
        .string()
        .trim()
        .min(1, 'the message text is empty')
        .max(WHATSAPP_TEXT_MAX, `WhatsApp allows at most ${WHATSAPP_TEXT_MAX} characters`)
        .meta({ title: 'Message', widget: 'message-text' }),
      previewUrl: z.boolean().default(false).meta({ title: 'Show a preview of the first link' }),
    }),
  ]),
});
export type SendMessageConfig = z.infer<typeof sendMessageConfigSchema>;

export const sendMessageDefinition = defineNode<SendMessageConfig>({
  type: 'whatsapp.send_message',
  version: 1,
  kind: 'action',
  category: 'WhatsApp',
  displayName: 'Send WhatsApp message',
  description: 'Sends a message to the contact through the WhatsApp policy gate.',
  synonyms: ['reply', 'answer', 'text', 'rispondi', 'invia messaggio', 'odpowiedz', 'wyślij'],
  configSchema: sendMessageConfigSchema,
  defaultConfig: { message: { type: 'text', text: 'Hello!', previewUrl: false } },
  outputs: [{ name: 'next', label: 'Sent' }],
  outputSchema: z.object({ wamid: z.string(), waId: z.string().nullable() }),
  sampleData: { wamid: 'wamid.HBgLMzkzMzMxMjM0NTY3FQIAERgS', waId: '393331234567' },
});
