import { eventFields, eventTypeName, fieldText, missingEventField, parsePayloadJson, setEventField } from './test-event-form';

function field(type: string, key: string) {
  const found = eventFields(type).find((f) => f.key === key);
  if (!found) throw new Error(`${type} has no field ${key}`);
  return found;
}

describe('test event form', () => {
  it('offers the fields of each event type, with the required ones marked', () => {
    expect(eventFields('message.received').map((f) => f.key)).toEqual(['text', 'replyKind', 'replyId']);
    expect(
      eventFields('order.paid')
        .filter((f) => f.required)
        .map((f) => f.key),
    ).toEqual(['orderId', 'status']);
    expect(eventFields('message.status').find((f) => f.key === 'status')?.options).toEqual([
      'sent',
      'delivered',
      'read',
      'played',
      'failed',
    ]);
    // An event type this build does not know still gets a way to send data.
    expect(eventFields('something.new').map((f) => f.key)).toEqual(['data']);
    expect(eventTypeName('order.paid')).toBe('Order paid (order.paid)');
  });

  it('turns typed text into payload values, and leaves an emptied field out so the engine default applies', () => {
    const total = field('order.created', 'total');
    const set = setEventField({ orderId: 'A1' }, total, '19.90');
    expect(set).toEqual({ ok: true, payload: { orderId: 'A1', total: 19.9 } });
    expect(setEventField({ orderId: 'A1', total: 5 }, total, '  ')).toEqual({ ok: true, payload: { orderId: 'A1' } });
    expect(setEventField({}, total, 'twelve')).toEqual({ ok: false, message: 'Total must be a number.' });
  });

  it('reads extra data as a JSON object and says what is wrong otherwise', () => {
    const data = field('link.clicked', 'data');
    expect(setEventField({}, data, '{"sku": "TABLE-1"}')).toEqual({ ok: true, payload: { data: { sku: 'TABLE-1' } } });
    expect(setEventField({}, data, '{"sku": ')).toMatchObject({ ok: false, message: expect.stringMatching(/not valid JSON/) });
    expect(setEventField({}, data, '[1, 2]')).toMatchObject({ ok: false, message: expect.stringMatching(/must be a JSON object/) });
    expect(fieldText({ data: {} }, data)).toBe('');
    expect(fieldText({ text: null }, field('message.received', 'text'))).toBe('');
  });

  it('names the first required field still empty', () => {
    expect(missingEventField('order.shipped', { orderId: 'A1' })).toBe('Fill in “Order status” of the event.');
    expect(missingEventField('order.shipped', { orderId: 'A1', status: 'shipped' })).toBeNull();
    expect(missingEventField('message.received', {})).toBeNull();
  });

  it('accepts only an object as the whole payload', () => {
    expect(parsePayloadJson('{"text": "How much?"}')).toEqual({ ok: true, payload: { text: 'How much?' } });
    expect(parsePayloadJson('"How much?"')).toEqual({ ok: false, message: 'The event payload must be a JSON object.' });
  });
});
