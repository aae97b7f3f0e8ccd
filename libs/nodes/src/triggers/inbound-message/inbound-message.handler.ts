import { inboundMessagePayloadSchema } from '@parley/flow-core';
import { defineTriggerHandler } from '@parley/node-sdk';
import { inboundMessageDefinition, type InboundMessageConfig } from './inbound-message.definition';

function keywordMatches(config: Extract<InboundMessageConfig, { match: 'keyword' }>, text: string): boolean {
  const subject = config.caseSensitive ? text : text.toLocaleLowerCase();
  return config.keywords.some((raw) => {
    const keyword = config.caseSensitive ? raw : raw.toLocaleLowerCase();
    switch (config.mode) {
      case 'exact':
        return subject.trim() === keyword;
      case 'starts_with':
        return subject.trimStart().startsWith(keyword);
      case 'contains':
        return subject.includes(keyword);
    }
  });
}

/** Compiled patterns by source, so a published regex is compiled once, not per message. */
const patterns = new Map<string, RegExp>();

function pattern(source: string, caseSensitive: boolean): RegExp {
  const key = `${caseSensitive ? 's' : 'i'}:${source}`;
  let compiled = patterns.get(key);
  if (!compiled) {
    compiled = new RegExp(source, caseSensitive ? 'u' : 'iu');
    if (patterns.size > 5000) patterns.clear();
    patterns.set(key, compiled);
  }
  return compiled;
}

export const inboundMessageHandler = defineTriggerHandler(inboundMessageDefinition, {
  eventTypes: ['message.received'],
  matches: ({ config, event, matchIntent }) => {
    const payload = inboundMessagePayloadSchema.safeParse(event.payload);
    if (!payload.success) return false;
    const { text, replyId, replyKind } = payload.data;
    switch (config.match) {
      case 'any':
        return true;
      case 'keyword':
        return text !== null && keywordMatches(config, text);
      case 'regex':
        return text !== null && pattern(config.pattern, config.caseSensitive).test(text);
      case 'intent':
        return text !== null && matchIntent(text, config.intent);
      case 'button_reply':
      case 'list_reply': {
        const kind = config.match === 'button_reply' ? 'button' : 'list';
        return replyKind === kind && replyId !== null && (config.replyIds.length === 0 || config.replyIds.includes(replyId));
      }
    }
  },
});
