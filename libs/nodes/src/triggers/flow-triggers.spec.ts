import type { RuntimeEvent } from '@parley/node-sdk';
import { contactEventConfigSchema } from './contact-event/contact-event.definition';
import { contactEventHandler } from './contact-event/contact-event.handler';
import { crmEventConfigSchema } from './crm-event/crm-event.definition';
import { crmEventHandler } from './crm-event/crm-event.handler';
import { incomingWebhookDefinition } from './incoming-webhook/incoming-webhook.definition';
import { incomingWebhookHandler } from './incoming-webhook/incoming-webhook.handler';
import { manualHandler } from './manual/manual.handler';
import { messageStatusConfigSchema } from './message-status/message-status.definition';
import { messageStatusHandler } from './message-status/message-status.handler';
import { lastScheduledTime, nextScheduledTime, scheduleConfigSchema, scheduleDefinition } from './schedule/schedule.definition';
import { scheduleHandler } from './schedule/schedule.handler';

function event(type: RuntimeEvent['type'], payload: Record<string, unknown>): RuntimeEvent {
  return { id: '1', type, occurredAt: new Date(), contactId: 'c', payload };
}

const input = { flowId: 'flow-a', matchIntent: () => false };

describe('triggers', () => {
  it('message status: matches the chosen status, and unread after the chosen hours', () => {
    const read = messageStatusConfigSchema.parse({ status: 'read' });
    expect(messageStatusHandler.matches({ ...input, config: read, event: event('message.status', { wamid: 'w', status: 'read' }) })).toBe(
      true,
    );
    expect(
      messageStatusHandler.matches({ ...input, config: read, event: event('message.status', { wamid: 'w', status: 'delivered' }) }),
    ).toBe(false);
    const unread = messageStatusConfigSchema.parse({ status: 'not_read', hours: 24 });
    const notRead = (hours: number) => event('message.not_read', { wamid: 'w', hours, sentAt: '2026-11-21T10:00:00Z' });
    expect(messageStatusHandler.matches({ ...input, config: unread, event: notRead(24) })).toBe(true);
    expect(messageStatusHandler.matches({ ...input, config: unread, event: notRead(48) })).toBe(false);
  });

  it('contact event: by kind, and by tag or field when given', () => {
    const anyTag = contactEventConfigSchema.parse({ change: 'tag_added' });
    const vip = contactEventConfigSchema.parse({ change: 'tag_added', tag: 'VIP' });
    const tagged = event('contact.tag_added', { tag: 'vip' });
    expect(contactEventHandler.matches({ ...input, config: anyTag, event: tagged })).toBe(true);
    expect(contactEventHandler.matches({ ...input, config: vip, event: tagged })).toBe(true);
    expect(contactEventHandler.matches({ ...input, config: vip, event: event('contact.tag_added', { tag: 'new' }) })).toBe(false);
    expect(contactEventHandler.matches({ ...input, config: vip, event: event('contact.tag_removed', { tag: 'vip' }) })).toBe(false);
    const created = contactEventConfigSchema.parse({ change: 'created' });
    expect(contactEventHandler.matches({ ...input, config: created, event: event('contact.created', { source: 'whatsapp' }) })).toBe(true);
    const priority = contactEventConfigSchema.parse({ change: 'field_changed', field: 'priority' });
    expect(contactEventHandler.matches({ ...input, config: priority, event: event('contact.field_changed', { field: 'priority' }) })).toBe(
      true,
    );
    expect(contactEventHandler.matches({ ...input, config: priority, event: event('contact.field_changed', { field: 'city' }) })).toBe(
      false,
    );
  });

  it('CRM event: by type, and deal stage when given', () => {
    const paid = crmEventConfigSchema.parse({ eventType: 'order.paid' });
    expect(crmEventHandler.matches({ ...input, config: paid, event: event('order.paid', { orderId: 'A1', status: 'paid' }) })).toBe(true);
    expect(crmEventHandler.matches({ ...input, config: paid, event: event('order.created', { orderId: 'A1', status: 'created' }) })).toBe(
      false,
    );
    const won = crmEventConfigSchema.parse({ eventType: 'deal.stage_changed', stage: 'Won' });
    expect(crmEventHandler.matches({ ...input, config: won, event: event('deal.stage_changed', { dealId: 'd', stage: 'won' }) })).toBe(
      true,
    );
    expect(crmEventHandler.matches({ ...input, config: won, event: event('deal.stage_changed', { dealId: 'd', stage: 'lost' }) })).toBe(
      false,
    );
  });

  it('schedule, webhook and manual events start only the flow they name', () => {
    const forFlow = (flowId: string, type: RuntimeEvent['type']) => event(type, { flowId, data: {} });
    const schedule = scheduleDefinition.defaultConfig;
    expect(scheduleHandler.matches({ ...input, config: schedule, event: forFlow('flow-a', 'schedule.tick') })).toBe(true);
    expect(scheduleHandler.matches({ ...input, config: schedule, event: forFlow('flow-b', 'schedule.tick') })).toBe(false);
    const hook = incomingWebhookDefinition.defaultConfig;
    expect(incomingWebhookHandler.matches({ ...input, config: hook, event: forFlow('flow-a', 'webhook.received') })).toBe(true);
    expect(incomingWebhookHandler.matches({ ...input, config: hook, event: forFlow('flow-b', 'webhook.received') })).toBe(false);
    expect(manualHandler.matches({ ...input, config: {}, event: forFlow('flow-a', 'manual.run') })).toBe(true);
    expect(manualHandler.matches({ ...input, config: {}, event: forFlow('flow-b', 'manual.run') })).toBe(false);
  });

  it('schedule: finds the last scheduled time in the time zone, across DST', () => {
    const nightly = scheduleConfigSchema.parse({ cron: '0 2 * * *', timeZone: 'Europe/Rome' });
    expect(lastScheduledTime(nightly, new Date('2026-11-22T10:00:00Z'))?.toISOString()).toBe('2026-11-22T01:00:00.000Z');
    expect(lastScheduledTime(nightly, new Date('2026-07-01T10:00:00Z'))?.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(nextScheduledTime(nightly, new Date('2026-11-22T10:00:00Z'))?.toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(nextScheduledTime(nightly, new Date('2026-07-01T10:00:00Z'))?.toISOString()).toBe('2026-07-02T00:00:00.000Z');
    expect(lastScheduledTime(nightly, new Date('2026-11-22T01:00:00Z'))?.toISOString()).toBe('2026-11-22T01:00:00.000Z');
    const bad = scheduleConfigSchema.parse({ cron: '61 2 * * *' });
    expect(scheduleDefinition.validate?.(bad)).toEqual([expect.objectContaining({ field: 'cron' })]);
    expect(scheduleConfigSchema.safeParse({ cron: '0 2 * * *', timeZone: 'Mars/Base' }).success).toBe(false);
  });
});
