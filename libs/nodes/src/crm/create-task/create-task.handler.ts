import { defineStepHandler } from '@parley/node-sdk';
import { createTaskDefinition } from './create-task.definition';

export const createTaskHandler = defineStepHandler(createTaskDefinition, {
  execute: async ({ config, contact, services }) => {
    const assignedUserId = config.assignTo === 'user' ? config.userId : config.assignTo === 'contact_owner' ? contact.assignedUserId : null;
    const { id, store } = await services.crm.createTask({
      title: await services.render(config.title),
      notes: await services.render(config.notes),
      dueAt: config.dueInHours === null ? null : new Date(services.now().getTime() + config.dueInHours * 3_600_000),
      assignedUserId,
    });
    return { outcome: 'continue', output: 'next', data: { taskId: id, store } };
  },
});
