import { z } from 'zod';

/** What a bubble shows besides its text: the buttons or list the customer saw, the template, the reply they tapped, a location. */
export const messageDetailsView = z.object({
  header: z.string().optional(),
  footer: z.string().optional(),
  buttons: z.array(z.string()).optional(),
  list: z.object({ button: z.string(), rows: z.array(z.string()) }).optional(),
  template: z.object({ name: z.string(), language: z.string().nullable(), parameters: z.array(z.string()) }).optional(),
  reply: z.object({ id: z.string().nullable(), title: z.string() }).optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), name: z.string().nullable() }).optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  link: z.string().optional(),
});
export type MessageDetails = z.infer<typeof messageDetailsView>;

const text = z.object({ text: z.string() });
const interactive = z.looseObject({
  type: z.string(),
  header: z.looseObject({ type: z.string(), text: z.string().optional() }).optional(),
  body: text.optional(),
  footer: text.optional(),
  action: z
    .looseObject({
      buttons: z.array(z.looseObject({ reply: z.looseObject({ title: z.string() }) })).optional(),
      button: z.string().optional(),
      sections: z.array(z.looseObject({ rows: z.array(z.looseObject({ title: z.string() })) })).optional(),
    })
    .optional(),
  button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
  list_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
});
const template = z.looseObject({
  name: z.string(),
  language: z.looseObject({ code: z.string() }).optional(),
  components: z.array(z.looseObject({ parameters: z.array(z.looseObject({ text: z.string().optional() })).optional() })).optional(),
});
const media = z.looseObject({ caption: z.string().optional(), filename: z.string().optional(), link: z.string().optional() });
const location = z.looseObject({ latitude: z.number(), longitude: z.number(), name: z.string().optional() });
const button = z.looseObject({ text: z.string(), payload: z.string().optional() });

/**
 * Reads what the bubble needs from a stored message payload (the Graph API
 * send body for outbound messages, Meta's webhook item for inbound ones).
 * Unknown shapes give no details rather than an error.
 */
export function messageDetails(type: string, payload: unknown): MessageDetails {
  if (typeof payload !== 'object' || payload === null) return {};
  const part: unknown = Reflect.get(payload, type);
  switch (type) {
    case 'interactive': {
      const parsed = interactive.safeParse(part);
      if (!parsed.success) return {};
      const value = parsed.data;
      const reply = value.button_reply ?? value.list_reply;
      if (reply) return { reply: { id: reply.id, title: reply.title } };
      return {
        ...(value.header?.text ? { header: value.header.text } : {}),
        ...(value.footer ? { footer: value.footer.text } : {}),
        ...(value.action?.buttons ? { buttons: value.action.buttons.map((b) => b.reply.title) } : {}),
        ...(value.action?.sections
          ? { list: { button: value.action.button ?? 'Options', rows: value.action.sections.flatMap((s) => s.rows.map((r) => r.title)) } }
          : {}),
      };
    }
    case 'template': {
      const parsed = template.safeParse(part);
      if (!parsed.success) return {};
      return {
        template: {
          name: parsed.data.name,
          language: parsed.data.language?.code ?? null,
          parameters: (parsed.data.components ?? []).flatMap((c) => (c.parameters ?? []).map((p) => p.text ?? '')),
        },
      };
    }
    case 'button': {
      const parsed = button.safeParse(part);
      return parsed.success ? { reply: { id: parsed.data.payload ?? null, title: parsed.data.text } } : {};
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const parsed = media.safeParse(part);
      if (!parsed.success) return {};
      return {
        ...(parsed.data.caption ? { caption: parsed.data.caption } : {}),
        ...(parsed.data.filename ? { filename: parsed.data.filename } : {}),
        ...(parsed.data.link ? { link: parsed.data.link } : {}),
      };
    }
    case 'location': {
      const parsed = location.safeParse(part);
      return parsed.success
        ? { location: { latitude: parsed.data.latitude, longitude: parsed.data.longitude, name: parsed.data.name ?? null } }
        : {};
    }
    default:
      return {};
  }
}
