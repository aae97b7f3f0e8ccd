import { testContext } from '../test-kit.spec-helper';
import { waitForEventConfigSchema } from './wait-for-event/wait-for-event.definition';
import { waitForEventHandler } from './wait-for-event/wait-for-event.handler';
import { nextLocalTime } from './wait-until/next-local-time';
import { waitUntilConfigSchema } from './wait-until/wait-until.definition';
import { waitUntilHandler } from './wait-until/wait-until.handler';
import { waitConfigSchema } from './wait/wait.definition';
import { waitHandler } from './wait/wait.handler';

describe('timing nodes', () => {
  it('wait: asks to be woken after the duration and reports lateness', async () => {
    const { context } = testContext(waitConfigSchema.parse({ amount: 72, unit: 'hours' }));
    expect(await waitHandler.execute(context)).toEqual({
      outcome: 'wait',
      wait: { kind: 'delay', resumeAt: new Date('2026-11-25T10:00:00Z') },
      data: { resumeAt: '2026-11-25T10:00:00.000Z' },
    });
    expect(await waitHandler.resume?.(context, { outcome: 'elapsed', event: null, lateByMs: 120 })).toEqual({
      outcome: 'continue',
      output: 'next',
      data: { lateByMs: 120 },
    });
    expect(waitConfigSchema.safeParse({ amount: 400, unit: 'days' }).success).toBe(false);
  });

  it('wait until: next Wednesday 14:00 in the contact time zone', async () => {
    // 2026-11-22 is a Sunday.
    const { context } = testContext(waitUntilConfigSchema.parse({ time: '14:00', weekdays: ['wednesday'] }), {
      contact: { timeZone: 'Asia/Hong_Kong' },
    });
    const result = await waitUntilHandler.execute(context);
    expect(result).toMatchObject({
      outcome: 'wait',
      wait: { kind: 'until', resumeAt: new Date('2026-11-25T06:00:00Z') },
      data: { timeZone: 'Asia/Hong_Kong' },
    });
  });

  it('wait until: uses the workspace zone for contacts without a usable one', async () => {
    const { context } = testContext(waitUntilConfigSchema.parse({ time: '09:30' }), { contact: { timeZone: 'Nowhere/Land' } });
    expect(await waitUntilHandler.execute(context)).toMatchObject({
      wait: { resumeAt: new Date('2026-11-23T08:30:00Z') },
      data: { timeZone: 'Europe/Rome' },
    });
  });

  it('nextLocalTime handles today, later today and DST changes', () => {
    expect(nextLocalTime(new Date('2026-11-22T10:00:00Z'), '14:00', [], 'Europe/Rome').toISOString()).toBe('2026-11-22T13:00:00.000Z');
    expect(nextLocalTime(new Date('2026-11-22T14:00:00Z'), '14:00', [], 'Europe/Rome').toISOString()).toBe('2026-11-23T13:00:00.000Z');
    // 29 March 2026: clocks go forward at 02:00 in Rome, so 02:30 does not exist that day and moves on by an hour.
    expect(nextLocalTime(new Date('2026-03-29T00:00:00Z'), '02:30', [], 'Europe/Rome').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(nextLocalTime(new Date('2026-10-20T10:00:00Z'), '14:00', ['sunday'], 'Europe/Rome').toISOString()).toBe(
      '2026-10-25T13:00:00.000Z',
    );
  });

  it('wait for event: waits with a timeout and takes the received or timeout branch', async () => {
    const { context } = testContext(waitForEventConfigSchema.parse({ eventType: 'order.created', timeout: { amount: 72, unit: 'hours' } }));
    expect(await waitForEventHandler.execute(context)).toMatchObject({
      outcome: 'wait',
      wait: { kind: 'event', eventType: 'order.created', filter: {}, timeoutAt: new Date('2026-11-25T10:00:00Z') },
    });
    const order = { id: '9', type: 'order.created' as const, occurredAt: new Date(), contactId: 'c', payload: { orderId: 'A1' } };
    expect(await waitForEventHandler.resume?.(context, { outcome: 'received', event: order, lateByMs: 0 })).toEqual({
      outcome: 'continue',
      output: 'received',
      data: { eventType: 'order.created', event: { orderId: 'A1' }, timedOut: false },
    });
    expect(await waitForEventHandler.resume?.(context, { outcome: 'timeout', event: null, lateByMs: 40 })).toMatchObject({
      output: 'timeout',
      data: { timedOut: true },
    });
  });

  it('wait for event without a timeout waits indefinitely', async () => {
    const { context } = testContext(
      waitForEventConfigSchema.parse({ eventType: 'message.received', filter: { intent: 'price' }, timeout: null }),
    );
    expect(await waitForEventHandler.execute(context)).toMatchObject({ wait: { timeoutAt: null, filter: { intent: 'price' } } });
  });
});
