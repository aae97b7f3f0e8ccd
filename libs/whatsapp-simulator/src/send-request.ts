import { z } from 'zod';

/** Meta's limit on a text body. */
export const TEXT_BODY_MAX = 4096;

export const sendRequestSchema = z.looseObject({
  messaging_product: z.literal('whatsapp', { error: 'The parameter messaging_product is required and must be "whatsapp".' }),
  recipient_type: z.literal('individual').optional(),
  to: z.string({ error: 'The parameter to is required.' }).min(1, 'The parameter to is required.'),
  type: z.string().default('text'),
  biz_opaque_callback_data: z.string().max(512, 'biz_opaque_callback_data must be at most 512 characters.').optional(),
  context: z.looseObject({ message_id: z.string() }).optional(),
});

export const textSchema = z.looseObject({
  body: z
    .string({ error: "Param text['body'] is required." })
    .min(1, "Param text['body'] is required.")
    .max(TEXT_BODY_MAX, `Param text['body'] must be at most ${TEXT_BODY_MAX} characters long.`),
  preview_url: z.boolean().optional(),
});
