import { contactEventPayloadSchema } from '@parley/flow-core';
import { defineTriggerHandler } from '@parley/node-sdk';
import { contactEventDefinition } from './contact-event.definition';

export const contactEventHandler = defineTriggerHandler(contactEventDefinition, {
  eventTypes: ['contact.created', 'contact.tag_added', 'contact.tag_removed', 'contact.field_changed'],
  matches: ({ config, event }) => {
    if (event.type !== `contact.${config.change}`) return false;
    const payload = contactEventPayloadSchema.safeParse(event.payload);
    if (!payload.success) return false;
    if ((config.change === 'tag_added' || config.change === 'tag_removed') && config.tag !== '') {
      return payload.data.tag?.toLocaleLowerCase() === config.tag.toLocaleLowerCase();
    }
    if (config.change === 'field_changed' && config.field !== '') return payload.data.field === config.field;
    return true;
  },
});
