import { z } from 'zod';
import {
  contactsSchema,
  interactiveSchema,
  locationSchema,
  mediaSchema,
  reactionSchema,
  templateSchema,
  type TemplateSend,
  textSchema,
} from './send-request';
import type { InboundWebhookState, SentMessage, SimulatorState } from './simulator-state';
import type { SimulatedStatus } from './status-payload';
import { placeholders, type RegisteredTemplate } from './template-registry';

/** One bubble of the phone page. */
export interface PhoneMessage {
  direction: 'in' | 'out';
  wamid: string;
  at: string;
  kind: string;
  text: string;
  header?: string;
  footer?: string;
  /** Reply buttons of an interactive message. */
  buttons?: { id: string; title: string }[];
  list?: { button: string; sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[] };
  /** Quick-reply buttons of a template: tapping one sends its payload. */
  quickReplies?: { payload: string; text: string }[];
  status?: SimulatedStatus | 'accepted';
  error?: { code: number; title: string };
  /** Inbound only: the business marked it read. */
  readByBusiness?: boolean;
  /** Inbound only: the business message it answers. */
  replyTo?: string;
  /** Inbound only: whether the business got its webhook (the sender's ticks). */
  webhook?: InboundWebhookState;
  /** Outbound media: what the customer would see instead of the file. */
  media?: { type: string; caption?: string; filename?: string };
  /** Outbound location pin. */
  location?: { latitude: number; longitude: number; name?: string; address?: string };
}

function fill(text: string, values: Map<string, string>): string {
  return text.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/g, (whole, name: string) => values.get(name) ?? whole);
}

function parameterText(parameter: Record<string, unknown>): string {
  const value = parameter[String(parameter['type'])];
  if (typeof value === 'string') return value;
  const fallback = z.looseObject({ fallback_value: z.string() }).safeParse(value);
  return fallback.success ? fallback.data.fallback_value : `[${String(parameter['type'])}]`;
}

function valuesOf(
  template: RegisteredTemplate | undefined,
  send: TemplateSend,
  type: 'header' | 'body',
  text: string | undefined,
): Map<string, string> {
  const parameters = send.components?.find((c) => c.type === type)?.parameters ?? [];
  const names = placeholders(text);
  const values = new Map<string, string>();
  parameters.forEach((p, i) => {
    const name = template?.parameterFormat === 'NAMED' ? p.parameter_name : names[i];
    if (name !== undefined) values.set(name, parameterText(p));
  });
  return values;
}

/** A template as the customer sees it: the registered texts with the parameters filled in. */
function templateBubble(
  state: SimulatorState,
  message: SentMessage,
  send: TemplateSend,
): Pick<PhoneMessage, 'text' | 'header' | 'footer' | 'quickReplies'> {
  const number = state.numbers.get(message.phoneNumberId);
  const template = number ? state.templates.find(number.wabaId, send.name, send.language.code) : undefined;
  if (!template) {
    const parameters = (send.components ?? []).flatMap((c) => c.parameters ?? []).map(parameterText);
    return { text: `[${send.name}]${parameters.length > 0 ? ` ${parameters.join(' · ')}` : ''}` };
  }
  const header = template.components.find((c) => c.type === 'HEADER');
  const body = template.components.find((c) => c.type === 'BODY');
  const footer = template.components.find((c) => c.type === 'FOOTER');
  const buttons = template.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];
  const quickReplies = buttons.flatMap((button, index) => {
    if (button.type !== 'QUICK_REPLY') return [];
    const given = send.components?.find((c) => c.type === 'button' && Number(c.index) === index)?.parameters?.[0];
    const payload = given && typeof given['payload'] === 'string' ? given['payload'] : button.text;
    return [{ payload, text: button.text }];
  });
  return {
    text: fill(body?.text ?? `[${send.name}]`, valuesOf(template, send, 'body', body?.text)),
    ...(header?.text ? { header: fill(header.text, valuesOf(template, send, 'header', header.text)) } : {}),
    ...(footer?.text ? { footer: footer.text } : {}),
    ...(quickReplies.length > 0 ? { quickReplies } : {}),
  };
}

function outboundBubble(state: SimulatorState, message: SentMessage): PhoneMessage {
  const base: PhoneMessage = {
    direction: 'out',
    wamid: message.wamid,
    at: message.receivedAt.toISOString(),
    kind: message.type,
    text: '',
    status: message.status ?? 'accepted',
    ...(message.error ? { error: { code: message.error.code, title: message.error.title } } : {}),
  };
  const part = message.body[message.type];
  switch (message.type) {
    case 'text': {
      const text = textSchema.safeParse(part);
      return { ...base, text: text.success ? text.data.body : '' };
    }
    case 'template': {
      const template = templateSchema.safeParse(part);
      return template.success ? { ...base, ...templateBubble(state, message, template.data) } : base;
    }
    case 'interactive': {
      const interactive = interactiveSchema.safeParse(part);
      if (!interactive.success) return base;
      const header = z.looseObject({ text: z.string() }).safeParse(interactive.data['header']);
      const common = {
        ...base,
        text: interactive.data.body.text,
        ...(header.success ? { header: header.data.text } : {}),
        ...(interactive.data.footer ? { footer: interactive.data.footer.text } : {}),
      };
      if (interactive.data.type === 'button') {
        return {
          ...common,
          kind: 'buttons',
          buttons: interactive.data.action.buttons.map((b) => ({ id: b.reply.id, title: b.reply.title })),
        };
      }
      return {
        ...common,
        kind: 'list',
        list: {
          button: interactive.data.action.button,
          sections: interactive.data.action.sections.map((s) => ({
            ...(s.title ? { title: s.title } : {}),
            rows: s.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })),
          })),
        },
      };
    }
    case 'reaction': {
      const reaction = reactionSchema.safeParse(part);
      return {
        ...base,
        text: reaction.success ? (reaction.data.emoji === '' ? 'Removed a reaction' : `Reacted ${reaction.data.emoji}`) : '',
      };
    }
    case 'location': {
      // The pin is drawn by the page (no emoji: not every machine has a font for it).
      const location = locationSchema.safeParse(part);
      if (!location.success) return { ...base, text: 'Location' };
      const { latitude, longitude, name, address } = location.data;
      const pin = { latitude: Number(latitude), longitude: Number(longitude), ...(name ? { name } : {}), ...(address ? { address } : {}) };
      return { ...base, text: name ?? `${pin.latitude}, ${pin.longitude}`, location: pin };
    }
    case 'contacts': {
      const contacts = contactsSchema.safeParse(part);
      return {
        ...base,
        text: contacts.success ? `Contact card: ${contacts.data.map((c) => c.name.formatted_name).join(', ')}` : 'Contact card',
      };
    }
    default: {
      const media = mediaSchema.safeParse(part);
      if (!media.success) return { ...base, kind: 'media', text: `[${message.type}]`, media: { type: message.type } };
      const { caption, filename } = media.data;
      return {
        ...base,
        kind: 'media',
        text: `[${message.type}] ${caption ?? filename ?? media.data.link ?? media.data.id ?? ''}`.trim(),
        media: { type: message.type, ...(caption ? { caption } : {}), ...(filename ? { filename } : {}) },
      };
    }
  }
}

/** The chat between one business number and one customer, oldest first. */
export function conversationView(state: SimulatorState, phoneNumberId: string, waId: string): PhoneMessage[] {
  const user = state.users.get(waId);
  const outbound = state.sent
    .filter((m) => m.phoneNumberId === phoneNumberId && (m.to === waId || (user?.userId !== undefined && m.to === user.userId)))
    .map((m) => outboundBubble(state, m));
  const inbound: PhoneMessage[] = state.inbound
    .filter((m) => m.phoneNumberId === phoneNumberId && m.from === waId)
    .map((m) => ({
      direction: 'in',
      wamid: m.wamid,
      at: m.sentAt.toISOString(),
      kind: m.type ?? 'text',
      text: m.text,
      readByBusiness: m.readByBusiness === true,
      webhook: m.webhook ?? (m.delivered ? 'delivered' : 'off'),
      ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    }));
  const rank = (m: PhoneMessage): number => state.arrival.get(m.wamid) ?? Number.MAX_SAFE_INTEGER;
  return [...inbound, ...outbound].sort((a, b) => rank(a) - rank(b));
}
