import { testContext } from '../test-kit.spec-helper';
import { addNoteConfigSchema } from './add-note/add-note.definition';
import { addNoteHandler } from './add-note/add-note.handler';
import { findContactConfigSchema } from './find-contact/find-contact.definition';
import { findContactHandler } from './find-contact/find-contact.handler';
import { lastOrderConfigSchema } from './last-order/last-order.definition';
import { lastOrderHandler } from './last-order/last-order.handler';
import { updateFieldsConfigSchema, updateFieldsDefinition } from './update-fields/update-fields.definition';
import { updateFieldsHandler } from './update-fields/update-fields.handler';

describe('CRM store nodes (find contact, add note, update fields, last order)', () => {
  it('find contact: normalises the number typed with spaces and 00, branches on found', async () => {
    const missing = testContext(findContactConfigSchema.parse({ phone: '0039 333 123-4567' }));
    expect(await findContactHandler.execute(missing.context)).toMatchObject({
      outcome: 'continue',
      output: 'not_found',
      data: { store: 'built_in', found: false, phone: '+393331234567' },
    });
    expect(missing.recorded.calls).toEqual([{ service: 'findContact', input: { phone: '+393331234567' } }]);

    const contact = { id: '51', type: 'contacts', firstName: 'Ada', lastName: 'Rossi', email: null, phone: '+393331234567' };
    const found = testContext(findContactConfigSchema.parse({ phone: '+393331234567' }), { crmContact: contact });
    expect(await findContactHandler.execute(found.context)).toEqual({
      outcome: 'continue',
      output: 'found',
      data: { store: 'built_in', found: true, ...contact },
    });
  });

  it('find contact: a value that is no international number fails for good without asking the CRM', async () => {
    const bad = testContext(findContactConfigSchema.parse({ phone: '{{ vars.phone }}' }), { data: { vars: { phone: '333 1234' } } });
    expect(await findContactHandler.execute(bad.context)).toMatchObject({
      outcome: 'failed',
      errorCode: 'invalid_phone',
      retryable: false,
    });
    expect(bad.recorded.calls).toEqual([]);
  });

  it('add note: renders the text; an empty note is refused', async () => {
    const note = testContext(addNoteConfigSchema.parse({ text: 'Asked about {{ vars.product }}' }), {
      data: { vars: { product: 'sofa' } },
    });
    expect(await addNoteHandler.execute(note.context)).toEqual({
      outcome: 'continue',
      output: 'next',
      data: { noteId: 'note-1', store: 'built_in' },
    });
    expect(note.recorded.calls).toEqual([{ service: 'addNote', input: { text: 'Asked about sofa' } }]);
    const empty = testContext(addNoteConfigSchema.parse({ text: '{{ vars.nothing }}' }));
    expect(await addNoteHandler.execute(empty.context)).toMatchObject({ outcome: 'failed', errorCode: 'empty_note' });
  });

  it('update fields: sends only the fields given, lower-cases the email, refuses a bad one', async () => {
    const update = testContext(updateFieldsConfigSchema.parse({ lastName: 'Bianchi', email: '{{ vars.email }}' }), {
      data: { vars: { email: 'Ada@Example.COM' } },
    });
    expect(await updateFieldsHandler.execute(update.context)).toEqual({
      outcome: 'continue',
      output: 'next',
      data: { changed: ['lastName', 'email'] },
    });
    expect(update.recorded.calls).toEqual([{ service: 'updateFields', input: { lastName: 'Bianchi', email: 'ada@example.com' } }]);
    const bad = testContext(updateFieldsConfigSchema.parse({ email: 'not-an-email' }));
    expect(await updateFieldsHandler.execute(bad.context)).toMatchObject({ outcome: 'failed', errorCode: 'invalid_email' });
    expect(bad.recorded.calls).toEqual([]);
    expect(updateFieldsDefinition.validate?.(updateFieldsConfigSchema.parse({}))).toEqual([
      expect.objectContaining({ field: 'firstName' }),
    ]);
  });

  it('last order: the order for the next steps, or the "none" branch', async () => {
    const order = {
      id: 'o1',
      externalId: 'A-1001',
      status: 'shipped',
      total: 129.9,
      currency: 'EUR',
      placedAt: '2026-11-20T10:00:00.000Z',
      itemsCount: 2,
      trackingUrl: null,
      ordersCount: 3,
    };
    expect(await lastOrderHandler.execute(testContext(lastOrderConfigSchema.parse({}), { lastOrder: order }).context)).toEqual({
      outcome: 'continue',
      output: 'found',
      data: order,
    });
    expect(await lastOrderHandler.execute(testContext(lastOrderConfigSchema.parse({})).context)).toEqual({
      outcome: 'continue',
      output: 'none',
      data: {},
    });
  });
});
