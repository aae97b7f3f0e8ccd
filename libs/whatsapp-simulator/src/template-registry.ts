import { z } from 'zod';
import { newGraphId } from './wire-ids';

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** Statuses Meta reports for a template (message_template_status_update events). */
export const TEMPLATE_STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'FLAGGED',
  'IN_APPEAL',
  'REINSTATED',
  'ARCHIVED',
  'PENDING_DELETION',
  'DELETED',
  'LIMIT_EXCEEDED',
] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

const buttonSchema = z.looseObject({
  type: z.enum(['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'FLOW', 'OTP', 'CATALOG', 'MPM']),
  text: z.string().min(1).max(25),
  url: z.string().optional(),
  phone_number: z.string().optional(),
});

export const templateComponentSchema = z.looseObject({
  type: z.enum(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']),
  format: z.enum(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']).optional(),
  text: z.string().max(1024).optional(),
  buttons: z.array(buttonSchema).max(10).optional(),
  example: z.unknown().optional(),
});
export type TemplateComponent = z.infer<typeof templateComponentSchema>;

/** A template as it is added to the registry: Meta's own shape (the one `GET message_templates` returns). */
export const templateDefinitionSchema = z.object({
  id: z.string().regex(/^\d+$/).optional(),
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'template names are lowercase letters, digits and underscores'),
  language: z.string().min(2).max(15),
  category: z.enum(TEMPLATE_CATEGORIES),
  status: z.enum(TEMPLATE_STATUSES).default('APPROVED'),
  parameter_format: z.enum(['POSITIONAL', 'NAMED']).default('POSITIONAL'),
  components: z.array(templateComponentSchema).default([]),
});
export type TemplateDefinition = z.input<typeof templateDefinitionSchema>;

export interface RegisteredTemplate {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
  /** Why it was rejected, paused or disabled, as the last status event said. */
  reason: string | null;
}

/** The placeholders of a template text in order of first appearance: "1", "2" or names like "first_name". */
export function placeholders(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  for (const match of text.matchAll(/\{\{\s*([a-z0-9_]+)\s*\}\}/g)) {
    const name = match[1];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The message templates of each WhatsApp Business Account, by (name, language). */
export class TemplateRegistry {
  private readonly byWaba = new Map<string, RegisteredTemplate[]>();

  /** Adds a template, or replaces the one with the same name and language (keeping its id). */
  upsert(wabaId: string, definition: TemplateDefinition): { template: RegisteredTemplate; replaced: boolean } {
    const parsed = templateDefinitionSchema.parse(definition);
    const list = this.byWaba.get(wabaId) ?? [];
    this.byWaba.set(wabaId, list);
    const index = list.findIndex((t) => t.name === parsed.name && t.language === parsed.language);
    const previous = index >= 0 ? list[index] : undefined;
    const template: RegisteredTemplate = {
      id: parsed.id ?? previous?.id ?? newGraphId(),
      wabaId,
      name: parsed.name,
      language: parsed.language,
      category: parsed.category,
      status: parsed.status,
      parameterFormat: parsed.parameter_format,
      components: parsed.components,
      reason: null,
    };
    if (previous) list[index] = template;
    else list.push(template);
    return { template, replaced: previous !== undefined };
  }

  /** Whether the account has any template: an empty registry accepts every template send (quick trials). */
  hasAny(wabaId: string): boolean {
    return (this.byWaba.get(wabaId)?.length ?? 0) > 0;
  }

  find(wabaId: string, name: string, language: string): RegisteredTemplate | undefined {
    return this.byWaba.get(wabaId)?.find((t) => t.name === name && t.language === language);
  }

  list(wabaId: string): readonly RegisteredTemplate[] {
    return this.byWaba.get(wabaId) ?? [];
  }

  wabaIds(): string[] {
    return [...this.byWaba.keys()];
  }

  /** Changes the status of a template (every language when `language` is absent); returns what changed. */
  setStatus(
    wabaId: string,
    name: string,
    language: string | undefined,
    status: TemplateStatus,
    reason: string | null,
  ): RegisteredTemplate[] {
    const changed = (this.byWaba.get(wabaId) ?? []).filter((t) => t.name === name && (language === undefined || t.language === language));
    for (const template of changed) {
      template.status = status;
      template.reason = reason;
    }
    return changed;
  }
}
