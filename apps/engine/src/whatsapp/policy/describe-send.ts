import type { MessageCategory, OutboundWhatsAppMessage } from '@parley/node-sdk';
import { createHash } from 'node:crypto';
import type { PolicySend } from './policy-facts';

/** JSON with sorted keys, so the same content always hashes the same. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function parameterCount(components: readonly Record<string, unknown>[], type: string): number {
  return components
    .filter((c) => c['type'] === type)
    .reduce((total, c) => total + (Array.isArray(c['parameters']) ? c['parameters'].length : 0), 0);
}

/** What the policy gate needs to know about a message about to be sent. */
export function describeSend(
  message: OutboundWhatsAppMessage,
  category: MessageCategory,
  origin: PolicySend['origin'],
  hasFallback: boolean,
): PolicySend {
  const contentHash = createHash('sha256').update(stableJson(message)).digest('base64url');
  if (message.type === 'template') {
    const components = message.template.components ?? [];
    return {
      origin,
      category,
      declaredCategory: category,
      categorySource: 'declared',
      registryCategory: null,
      kind: 'template',
      templateName: message.template.name,
      templateLanguage: message.template.language.code,
      templateParameters: {
        body: parameterCount(components, 'body'),
        header: parameterCount(components, 'header'),
        buttons: parameterCount(components, 'button'),
      },
      contentHash,
      hasFallback,
    };
  }
  return {
    origin,
    category,
    declaredCategory: category,
    categorySource: 'declared',
    registryCategory: null,
    kind: 'free_form',
    templateName: null,
    templateLanguage: null,
    templateParameters: null,
    contentHash,
    hasFallback,
  };
}
