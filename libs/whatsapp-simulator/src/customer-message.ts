import { z } from 'zod';

const replyTo = z.string().min(1).max(256).optional();

export const adReferralSchema = z.object({
  sourceUrl: z.url(),
  sourceId: z.string().min(1).max(100),
  sourceType: z.enum(['ad', 'post']).default('ad'),
  headline: z.string().max(200).optional(),
  body: z.string().max(1000).optional(),
  mediaType: z.enum(['image', 'video']).optional(),
  imageUrl: z.url().optional(),
  ctwaClid: z.string().max(200).optional(),
});
export type AdReferral = z.infer<typeof adReferralSchema>;

const media = <T extends 'image' | 'video' | 'audio' | 'document' | 'sticker'>(type: T) =>
  z.object({
    type: z.literal(type),
    /** A media id the simulator knows; the bundled file of that type when absent. */
    mediaId: z.string().regex(/^\d+$/).optional(),
    caption: z.string().max(1024).optional(),
    filename: z.string().max(240).optional(),
    /** A voice note (audio recorded in the app) rather than an audio file. */
    voice: z.boolean().optional(),
    animated: z.boolean().optional(),
  });

/** What a simulated customer sends: every inbound message type the engine must understand. */
export const customerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1).max(4096), referral: adReferralSchema.optional(), replyTo }),
  z.object({ type: z.literal('button_reply'), id: z.string().min(1).max(256), title: z.string().min(1).max(20), replyTo }),
  z.object({
    type: z.literal('list_reply'),
    id: z.string().min(1).max(200),
    title: z.string().min(1).max(24),
    description: z.string().max(72).optional(),
    replyTo,
  }),
  z.object({ type: z.literal('quick_reply'), payload: z.string().min(1).max(256), text: z.string().min(1).max(256), replyTo }),
  z.object({
    type: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().max(200).optional(),
    address: z.string().max(500).optional(),
  }),
  media('image'),
  media('video'),
  media('audio'),
  media('document'),
  media('sticker'),
  z.object({
    type: z.literal('contacts'),
    contacts: z
      .array(
        z.object({
          name: z.string().min(1).max(200),
          phone: z.string().min(3).max(30),
          waId: z
            .string()
            .regex(/^\d{6,15}$/)
            .optional(),
        }),
      )
      .min(1)
      .max(10),
  }),
  z.object({ type: z.literal('reaction'), messageId: z.string().min(1).max(256), emoji: z.string().max(16) }),
  z.object({ type: z.literal('unsupported') }),
  z.object({ type: z.literal('user_changed_number'), newWaId: z.string().regex(/^\d{6,15}$/) }),
  /** The customer edits an earlier message: a text's words, or a media message's caption (`mediaType`). */
  z.object({
    type: z.literal('edit'),
    originalWamid: z.string().min(1).max(256),
    text: z.string().max(4096),
    mediaType: z.enum(['image', 'video', 'document']).optional(),
  }),
  /** The customer deletes an earlier message for everyone. */
  z.object({ type: z.literal('revoke'), originalWamid: z.string().min(1).max(256) }),
]);

export type CustomerMessage = z.input<typeof customerMessageSchema>;

/** A short text for the message, for logs and the phone page. */
export function customerMessageText(message: CustomerMessage): string {
  switch (message.type) {
    case 'text':
      return message.text;
    case 'button_reply':
    case 'list_reply':
      return message.title;
    case 'quick_reply':
      return message.text;
    case 'location':
      return message.name ?? `[location ${message.latitude},${message.longitude}]`;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return message.caption ?? `[${message.type}]`;
    case 'contacts':
      return `[contact ${message.contacts.map((c) => c.name).join(', ')}]`;
    case 'reaction':
      return message.emoji === '' ? '[reaction removed]' : message.emoji;
    case 'unsupported':
      return '[unsupported message]';
    case 'user_changed_number':
      return `[changed number to ${message.newWaId}]`;
    case 'edit':
      return `[edited] ${message.text}`;
    case 'revoke':
      return '[deleted a message]';
  }
}
