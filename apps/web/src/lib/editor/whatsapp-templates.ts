import { z } from 'zod';
import { callEngine } from './engine-client';

export const whatsAppTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  components: z.array(z.record(z.string(), z.unknown())),
  parameters: z.object({ body: z.number(), header: z.number(), buttons: z.number(), format: z.string() }),
});

export type WhatsAppTemplate = z.infer<typeof whatsAppTemplateSchema>;

let cached: Promise<{ ok: true; templates: WhatsAppTemplate[] } | { ok: false; message: string }> | null = null;

/** The workspace's template registry, fetched once per page (it changes only when an admin syncs). */
export function loadWhatsAppTemplates(): Promise<{ ok: true; templates: WhatsAppTemplate[] } | { ok: false; message: string }> {
  cached ??= callEngine('/api/whatsapp/templates', z.object({ data: z.array(whatsAppTemplateSchema) })).then((answer) =>
    answer.ok ? { ok: true as const, templates: answer.data.data } : { ok: false as const, message: answer.message },
  );
  return cached;
}

function componentText(template: WhatsAppTemplate, type: string): string | null {
  const component = template.components.find((c) => String(c['type']).toUpperCase() === type);
  const text = component?.['text'];
  return typeof text === 'string' ? text : null;
}

/** The header format the send node needs ("none", "text", "image"...). */
export function headerFormatOf(template: WhatsAppTemplate): 'none' | 'text' | 'image' | 'video' | 'document' {
  const header = template.components.find((c) => String(c['type']).toUpperCase() === 'HEADER');
  const format = String(header?.['format'] ?? 'none').toLowerCase();
  return format === 'text' || format === 'image' || format === 'video' || format === 'document' ? format : 'none';
}

/** The message as the customer sees it, with each {{n}} replaced by what it is mapped to. */
export function renderTemplatePreview(
  template: WhatsAppTemplate,
  bodyParameters: readonly string[],
): { header: string | null; body: string; footer: string | null } {
  const fill = (text: string) =>
    text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, key: string) => {
      const index = Number(key) - 1;
      const value = Number.isInteger(index) ? bodyParameters[index] : undefined;
      return value && value.length > 0 ? value : `{{${key}}}`;
    });
  return {
    header: componentText(template, 'HEADER'),
    body: fill(componentText(template, 'BODY') ?? ''),
    footer: componentText(template, 'FOOTER'),
  };
}
