import type { BusinessHours } from './business-hours';
import { serviceEvents, type ServiceItem } from './service-events';

const HOURS: BusinessHours = { days: [1, 2, 3, 4, 5], openMinute: 9 * 60, closeMinute: 18 * 60 };
const at = (iso: string): Date => new Date(iso);

function summary(items: ServiceItem[], zone = 'Europe/Rome'): string[] {
  return serviceEvents(items, HOURS, zone).map((e) => `${e.cycle} ${e.kind} ${e.userId ?? '-'} ${e.seconds} ${e.businessSeconds}`);
}

describe('service events (hand-computed fixtures)', () => {
  it('measures reply times from the customer, and the first of each cycle as first response', () => {
    // Monday 9 March 2026, Rome (UTC+1): customer 10:00, agent 10:04, customer 10:10 and 10:11, agent 10:20.
    expect(
      summary([
        { kind: 'customer', at: at('2026-03-09T09:00:00Z') },
        { kind: 'agent', at: at('2026-03-09T09:04:00Z'), userId: 'anna' },
        { kind: 'customer', at: at('2026-03-09T09:10:00Z') },
        { kind: 'customer', at: at('2026-03-09T09:11:00Z') },
        { kind: 'agent', at: at('2026-03-09T09:20:00Z'), userId: 'bruno' },
        { kind: 'resolved', at: at('2026-03-09T09:30:00Z'), userId: 'bruno' },
      ]),
    ).toEqual([
      '0 opened - 0 0',
      '0 first_response anna 240 240',
      '0 reply anna 240 240',
      '0 reply bruno 600 600',
      '0 resolution bruno 1800 1800',
    ]);
  });

  it('starts the wait at the bot hand-off, not at the message the bot answered', () => {
    expect(
      summary([
        { kind: 'customer', at: at('2026-03-09T09:00:00Z') },
        { kind: 'bot', at: at('2026-03-09T09:00:05Z') },
        { kind: 'customer', at: at('2026-03-09T09:03:00Z') },
        { kind: 'handoff', at: at('2026-03-09T09:03:10Z') },
        { kind: 'agent', at: at('2026-03-09T09:09:10Z'), userId: 'anna' },
      ]),
    ).toEqual(['0 opened - 0 0', '0 first_response anna 360 360', '0 reply anna 360 360']);
  });

  it('gives a reopened conversation a new cycle: resolution never counts the time it was resolved', () => {
    expect(
      summary([
        { kind: 'customer', at: at('2026-03-09T09:00:00Z') },
        { kind: 'agent', at: at('2026-03-09T09:02:00Z'), userId: 'anna' },
        { kind: 'resolved', at: at('2026-03-09T09:05:00Z'), userId: 'anna' },
        // Next day the customer writes again: cycle 1.
        { kind: 'customer', at: at('2026-03-10T09:00:00Z') },
        { kind: 'agent', at: at('2026-03-10T09:01:00Z'), userId: 'bruno' },
        { kind: 'resolved', at: at('2026-03-10T09:10:00Z'), userId: null },
        // An agent reopens it without a customer message: cycle 2, nobody waits.
        { kind: 'reopened', at: at('2026-03-10T10:00:00Z'), userId: 'anna' },
        { kind: 'agent', at: at('2026-03-10T10:01:00Z'), userId: 'anna' },
        { kind: 'resolved', at: at('2026-03-10T10:02:00Z'), userId: 'anna' },
      ]),
    ).toEqual([
      '0 opened - 0 0',
      '0 first_response anna 120 120',
      '0 reply anna 120 120',
      '0 resolution anna 300 300',
      '1 opened - 0 0',
      '1 first_response bruno 60 60',
      '1 reply bruno 60 60',
      '1 resolution - 600 600',
      '2 opened - 0 0',
      '2 resolution anna 120 120',
    ]);
  });

  it('counts business hours in the workspace zone across a weekend and the DST change', () => {
    // Friday 27 March 2026 17:30 CET (16:30 UTC) -> Monday 30 March 09:15 CEST (07:15 UTC).
    // Calendar: 2 d 14 h 45 min elapsed (the wall clock shows one hour more) = 225900 s. Business: 30 min Friday + 15 min Monday = 2700 s.
    expect(
      summary([
        { kind: 'customer', at: at('2026-03-27T16:30:00Z') },
        { kind: 'agent', at: at('2026-03-30T07:15:00Z'), userId: 'anna' },
      ]),
    ).toEqual(['0 opened - 0 0', '0 first_response anna 225900 2700', '0 reply anna 225900 2700']);
  });

  it('measures nothing for outreach nobody waited for', () => {
    expect(
      summary([
        { kind: 'bot', at: at('2026-03-09T09:00:00Z') },
        { kind: 'agent', at: at('2026-03-09T09:05:00Z'), userId: 'anna' },
      ]),
    ).toEqual([]);
  });
});
