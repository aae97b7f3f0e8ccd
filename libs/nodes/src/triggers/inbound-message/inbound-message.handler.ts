import { defineTriggerHandler } from '@parley/node-sdk';
import { inboundMessageDefinition, type InboundMessageConfig } from './inbound-message.definition';

function textMatches(config: Extract<InboundMessageConfig, { match: 'keyword' }>, text: string): boolean {
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

export const inboundMessageHandler = defineTriggerHandler(inboundMessageDefinition, {
  eventTypes: ['message.received'],
  matches: ({ config, event }) => {
    if (config.match === 'any') return true;
    return event.payload.text !== null && textMatches(config, event.payload.text);
  },
});
