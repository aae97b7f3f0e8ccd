import { inboundMessageHandler } from '@parley/nodes/handlers';
import { sampleEvent, simulatorMessage, testEventPayload } from './test-event';

const context = { flowId: 'flow-1', phoneNumberId: '100000000001', now: new Date('2026-11-22T10:00:00Z') };
const intents = { price: ['price', 'how much', 'quanto costa'] };

describe('test events', () => {
  it('completes a hand-written message as the channel would have stored it', () => {
    const result = testEventPayload('message.received', { text: 'how much is it?' }, context);
    expect(result).toEqual({
      ok: true,
      payload: expect.objectContaining({
        text: 'how much is it?',
        messageType: 'text',
        phoneNumberId: '100000000001',
        replyId: null,
        replyKind: null,
        location: null,
      }),
    });
    if (!result.ok) throw new Error('unreachable');
    expect(String(result.payload['wamid'])).toMatch(/^wamid\.test\./);
  });

  it('turns a "message received" test event into what the simulated customer sends', () => {
    const payload = (input: Record<string, unknown>) => {
      const result = testEventPayload('message.received', input, context);
      if (!result.ok) throw new Error(result.message);
      return result.payload;
    };
    expect(simulatorMessage(payload({ text: 'how much?' }))).toEqual({ ok: true, message: { type: 'text', text: 'how much?' } });
    expect(simulatorMessage(payload({ text: null, replyId: 'yes-please', replyKind: 'button' }))).toEqual({
      ok: true,
      message: { type: 'button_reply', id: 'yes-please', title: 'yes-please' },
    });
    expect(simulatorMessage(payload({ text: 'The blue sofa with the long name', replyId: 'row-2', replyKind: 'list' }))).toEqual({
      ok: true,
      message: { type: 'list_reply', id: 'row-2', title: 'The blue sofa with the l' },
    });
    expect(simulatorMessage(payload({ location: { latitude: 45.46, longitude: 9.19 } }))).toEqual({
      ok: true,
      message: { type: 'location', latitude: 45.46, longitude: 9.19 },
    });
    expect(simulatorMessage(payload({ text: '  ' }))).toEqual({ ok: false, message: expect.stringContaining('payload.text') });
    expect(simulatorMessage(payload({ text: 'x'.repeat(4097) }))).toEqual({ ok: false, message: expect.stringContaining('4096') });
  });

  it('names the field a hand-built payload gets wrong', () => {
    expect(testEventPayload('order.paid', { status: 'paid' }, context)).toEqual({
      ok: false,
      message: expect.stringContaining('payload.orderId'),
    });
    expect(testEventPayload('message.status', { wamid: 'w', status: 'exploded' }, context)).toEqual({
      ok: false,
      message: expect.stringContaining('payload.status'),
    });
  });

  it('scopes schedule, webhook and manual events to the flow under test, whatever the payload says', () => {
    expect(testEventPayload('manual.run', { flowId: 'another-flow', data: { x: 1 } }, context)).toEqual({
      ok: true,
      payload: { flowId: 'flow-1', data: { x: 1 } },
    });
  });

  it('samples a message the configured trigger accepts', () => {
    const config = { match: 'intent', intent: 'price' };
    const sample = sampleEvent('trigger.inbound_message', config, intents);
    expect(sample).toEqual({ type: 'message.received', payload: { text: 'how much?' } });
    const payload = testEventPayload('message.received', sample?.payload ?? {}, context);
    if (!payload.ok) throw new Error(payload.message);
    const matchIntent = (text: string, intent: string) => intent === 'price' && /how much/.test(text);
    const matches = inboundMessageHandler.matches({
      config: { match: 'intent', intent: 'price' },
      event: { id: '1', type: 'message.received', occurredAt: context.now, contactId: 'c', payload: payload.payload },
      flowId: 'flow-1',
      matchIntent,
    });
    expect(matches).toBe(true);
  });

  it('samples the event kind each trigger listens to', () => {
    expect(sampleEvent('trigger.inbound_message', { match: 'keyword', keywords: ['sconto'], mode: 'contains' }, intents)).toEqual({
      type: 'message.received',
      payload: { text: 'sconto' },
    });
    expect(sampleEvent('trigger.inbound_message', { match: 'button_reply', replyIds: ['yes'] }, intents)).toEqual({
      type: 'message.received',
      payload: { text: null, replyId: 'yes', replyKind: 'button' },
    });
    expect(sampleEvent('trigger.crm_event', { eventType: 'order.shipped' }, intents)).toMatchObject({
      type: 'order.shipped',
      payload: { status: 'shipped' },
    });
    expect(sampleEvent('trigger.crm_event', { eventType: 'deal.stage_changed', stage: 'won' }, intents)).toMatchObject({
      type: 'deal.stage_changed',
      payload: { stage: 'won' },
    });
    expect(sampleEvent('trigger.contact_event', { change: 'tag_added', tag: 'vip' }, intents)).toEqual({
      type: 'contact.tag_added',
      payload: { tag: 'vip' },
    });
    expect(sampleEvent('trigger.message_status', { status: 'not_read', hours: 48 }, intents)).toEqual({
      type: 'message.not_read',
      payload: { hours: 48 },
    });
    expect(sampleEvent('trigger.schedule', {}, intents)).toEqual({ type: 'schedule.tick', payload: {} });
    expect(sampleEvent('trigger.unknown', {}, intents)).toBeNull();
  });
});
