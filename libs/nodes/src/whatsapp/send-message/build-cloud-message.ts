import type { OutboundMedia, OutboundWhatsAppMessage } from '@parley/node-sdk';
import { type MessageConfig, type TemplateRef, WHATSAPP_LIMITS } from './send-message.definition';

export type Render = (template: string) => Promise<string>;

/** A message that breaks a WhatsApp limit once its variables are filled in. */
export class MessageLimitError extends Error {
  constructor(
    readonly field: string,
    limit: number,
    length: number,
  ) {
    super(`${field} is ${length} characters after filling in variables; WhatsApp allows ${limit}`);
  }
}

async function renderLimited(render: Render, text: string, field: string, limit: number): Promise<string> {
  const value = await render(text);
  if (value.length > limit) throw new MessageLimitError(field, limit, value.length);
  return value;
}

/** The Cloud API `template` object for a template reference, its parameters rendered. */
export async function buildTemplate(
  template: TemplateRef,
  render: Render,
): Promise<Extract<OutboundWhatsAppMessage, { type: 'template' }>> {
  const components: Record<string, unknown>[] = [];
  if (template.headerFormat !== 'none' && template.headerParameter !== null) {
    const value = await render(template.headerParameter);
    components.push({
      type: 'header',
      parameters: [
        template.headerFormat === 'text'
          ? { type: 'text', text: value }
          : { type: template.headerFormat, [template.headerFormat]: { link: value } },
      ],
    });
  }
  if (template.bodyParameters.length > 0) {
    const parameters = [];
    for (const [index, parameter] of template.bodyParameters.entries()) {
      parameters.push({
        type: 'text',
        text: await renderLimited(render, parameter, `template.bodyParameters[${index}]`, WHATSAPP_LIMITS.templateParameter),
      });
    }
    components.push({ type: 'body', parameters });
  }
  for (const buttonParameter of template.buttonParameters) {
    const value = await render(buttonParameter.value);
    components.push({
      type: 'button',
      sub_type: buttonParameter.subType,
      index: String(buttonParameter.index),
      parameters: [
        buttonParameter.subType === 'quick_reply'
          ? { type: 'payload', payload: value }
          : buttonParameter.subType === 'copy_code'
            ? { type: 'coupon_code', coupon_code: value }
            : { type: 'text', text: value },
      ],
    });
  }
  return {
    type: 'template',
    template: { name: template.name, language: { code: template.language }, ...(components.length > 0 ? { components } : {}) },
  };
}

/** The Cloud API message body for a configured message, every text rendered and checked against Meta's limits. */
export async function buildCloudMessage(message: MessageConfig, render: Render): Promise<OutboundWhatsAppMessage> {
  switch (message.type) {
    case 'text':
      return {
        type: 'text',
        text: { body: await renderLimited(render, message.text, 'text', WHATSAPP_LIMITS.text), preview_url: message.previewUrl },
      };
    case 'template':
      return buildTemplate(message.template, render);
    case 'buttons': {
      const header = message.header ? await renderLimited(render, message.header, 'header', WHATSAPP_LIMITS.headerText) : '';
      const footer = message.footer ? await renderLimited(render, message.footer, 'footer', WHATSAPP_LIMITS.footer) : '';
      return {
        type: 'interactive',
        interactive: {
          type: 'button',
          ...(header ? { header: { type: 'text', text: header } } : {}),
          body: { text: await renderLimited(render, message.body, 'body', WHATSAPP_LIMITS.interactiveBody) },
          ...(footer ? { footer: { text: footer } } : {}),
          action: { buttons: message.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      };
    }
    case 'list': {
      const header = message.header ? await renderLimited(render, message.header, 'header', WHATSAPP_LIMITS.headerText) : '';
      const footer = message.footer ? await renderLimited(render, message.footer, 'footer', WHATSAPP_LIMITS.footer) : '';
      return {
        type: 'interactive',
        interactive: {
          type: 'list',
          ...(header ? { header: { type: 'text', text: header } } : {}),
          body: { text: await renderLimited(render, message.body, 'body', WHATSAPP_LIMITS.interactiveBody) },
          ...(footer ? { footer: { text: footer } } : {}),
          action: {
            button: message.buttonText,
            sections: message.sections.map((section) => ({
              ...(section.title ? { title: section.title } : {}),
              rows: section.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })),
            })),
          },
        },
      };
    }
    case 'media': {
      const caption = message.caption ? await renderLimited(render, message.caption, 'caption', WHATSAPP_LIMITS.caption) : '';
      const media: OutboundMedia = { link: await render(message.link), ...(caption ? { caption } : {}) };
      switch (message.mediaType) {
        case 'image':
          return { type: 'image', image: media };
        case 'video':
          return { type: 'video', video: media };
        case 'audio':
          // Audio messages carry no caption.
          return { type: 'audio', audio: { link: media.link } };
        case 'document':
          return { type: 'document', document: { ...media, ...(message.filename ? { filename: message.filename } : {}) } };
      }
    }
  }
}
