import type { FlowDocument, FlowIssue } from '@parley/flow-core';
import { sendMessageConfigSchema, sendMessageDefinition } from '@parley/nodes';
import { categoryOfTemplate } from '../whatsapp/policy/template-category';

/** A template's category as the workspace's registry holds it (one row per account that has the template). */
export interface RegisteredTemplateCategory {
  name: string;
  language: string;
  category: string;
}

/** The templates the flow's send steps pick, so only those are read from the registry. */
export function templatesOfFlow(document: FlowDocument): string[] {
  const names = new Set<string>();
  for (const node of document.nodes) {
    if (node.type !== sendMessageDefinition.type) continue;
    const config = sendMessageConfigSchema.safeParse(node.config);
    if (config.success && config.data.message.type === 'template') names.add(config.data.message.template.name);
  }
  return [...names];
}

/**
 * Send steps that declare a category other than the one Meta gave their
 * template. The gate judges a template by Meta's category anyway; refusing
 * to publish makes the author see it on the step instead of learning it
 * from a blocked send. A template the registry does not have (not synced
 * yet) is no contradiction: the gate judges it as marketing at run time.
 */
export function templateCategoryIssues(document: FlowDocument, registry: readonly RegisteredTemplateCategory[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const node of document.nodes) {
    if (node.type !== sendMessageDefinition.type) continue;
    const config = sendMessageConfigSchema.safeParse(node.config);
    if (!config.success || config.data.message.type !== 'template') continue;
    const { name, language } = config.data.message.template;
    const declared = config.data.category;
    const registered = new Set(registry.filter((t) => t.name === name && t.language === language).map((t) => t.category.toUpperCase()));
    for (const category of registered) {
      if (categoryOfTemplate(category) === declared) continue;
      issues.push({
        code: 'template_category_mismatch',
        nodeId: node.id,
        field: 'category',
        message: `Template ${name} (${language}) is ${category} in WhatsApp’s template registry, but this step says ${declared}. Set the kind of message to ${categoryOfTemplate(category)}: WhatsApp’s category decides which rules apply.`,
      });
    }
  }
  return issues;
}
