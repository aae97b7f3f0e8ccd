import { z } from 'zod';
import { lenient, optionalString } from './webhook-wire';

export interface TemplateParameterCounts {
  body: number;
  header: number;
  buttons: number;
  format: 'positional' | 'named';
}

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Header formats whose send carries one media (or location) parameter. */
const MEDIA_HEADER_FORMATS = new Set(['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION', 'GIF']);

const componentSchema = z.looseObject({
  type: z.string(),
  format: optionalString,
  text: optionalString,
  buttons: lenient(z.array(z.unknown())),
});
const buttonSchema = z.looseObject({ type: z.string(), url: optionalString });

function placeholders(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (match) => match[1] ?? ''))];
}

/**
 * Parameters a send of this template must carry, counted from the template's
 * definition (`GET /{waba_id}/message_templates` components):
 * - body: distinct `{{1}}` / `{{name}}` placeholders of the BODY text;
 * - header: placeholders of a TEXT header, or 1 for a media or location header;
 * - buttons: one parameter per URL button with a placeholder in its url, per
 *   COPY_CODE button, per OTP button (the code rides on it) and per MPM button
 *   (its product sections); quick replies, phone, flow and catalog buttons need none.
 * `format` is `named` as soon as one placeholder is not a number.
 */
export function templateParameterCounts(components: readonly Record<string, unknown>[]): TemplateParameterCounts {
  const counts: TemplateParameterCounts = { body: 0, header: 0, buttons: 0, format: 'positional' };
  const names: string[] = [];
  for (const raw of components) {
    const parsed = componentSchema.safeParse(raw);
    if (!parsed.success) continue;
    const component = parsed.data;
    switch (component.type.toUpperCase()) {
      case 'BODY': {
        const found = placeholders(component.text);
        counts.body += found.length;
        names.push(...found);
        break;
      }
      case 'HEADER': {
        const format = (component.format ?? 'TEXT').toUpperCase();
        if (format === 'TEXT') {
          const found = placeholders(component.text);
          counts.header += found.length;
          names.push(...found);
        } else if (MEDIA_HEADER_FORMATS.has(format)) {
          counts.header += 1;
        }
        break;
      }
      case 'BUTTONS':
        for (const rawButton of component.buttons ?? []) {
          const button = buttonSchema.safeParse(rawButton);
          if (!button.success) continue;
          const type = button.data.type.toUpperCase();
          if (type === 'URL' ? placeholders(button.data.url).length > 0 : type === 'COPY_CODE' || type === 'OTP' || type === 'MPM')
            counts.buttons += 1;
        }
        break;
    }
  }
  if (names.some((name) => !/^\d+$/.test(name))) counts.format = 'named';
  return counts;
}
