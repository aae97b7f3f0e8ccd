import { defineStepHandler } from '@parley/node-sdk';
import { addNoteDefinition } from './add-note.definition';

export const addNoteHandler = defineStepHandler(addNoteDefinition, {
  execute: async ({ config, services }) => {
    const text = (await services.render(config.text)).trim();
    if (text === '') {
      return {
        outcome: 'failed',
        errorCode: 'empty_note',
        errorMessage: 'text: the note is empty once rendered',
        retryable: false,
        data: {},
      };
    }
    const { id, store } = await services.crm.addNote({ text });
    return { outcome: 'continue', output: 'next', data: { noteId: id, store } };
  },
});
