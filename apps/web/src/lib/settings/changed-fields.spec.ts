import { changedFields, changedPaths } from './changed-fields';

const initial = {
  timeZone: 'UTC',
  takeoverHours: 12,
  httpAllowList: ['10.0.0.0/8'],
  intents: { stop: ['stop'] },
  messaging: { dailyRecipientLimit: 250, quietHours: { enabled: true, start: '21:00', end: '08:00' } },
};

describe('changedFields', () => {
  it('keeps only what was edited, at every depth', () => {
    const edited = structuredClone(initial);
    edited.timeZone = 'Europe/Rome';
    edited.messaging.quietHours.start = '22:00';
    expect(changedFields(initial, edited)).toEqual({ timeZone: 'Europe/Rome', messaging: { quietHours: { start: '22:00' } } });
  });

  it('sends a list whole when any item changed', () => {
    const edited = { ...structuredClone(initial), httpAllowList: ['10.0.0.0/8', 'crm.local'] };
    expect(changedFields(initial, edited)).toEqual({ httpAllowList: ['10.0.0.0/8', 'crm.local'] });
  });

  it('sends one intent without the others, and a new one', () => {
    const edited = { ...structuredClone(initial), intents: { stop: ['stop'], price: ['quanto'] } };
    expect(changedFields(initial, edited)).toEqual({ intents: { price: ['quanto'] } });
  });

  it('is undefined when nothing changed, and handles null (no cap)', () => {
    expect(changedFields(initial, structuredClone(initial))).toBeUndefined();
    const edited = structuredClone(initial);
    const messaging: Record<string, unknown> = edited.messaging;
    messaging['dailyRecipientLimit'] = null;
    expect(changedFields(initial, edited)).toEqual({ messaging: { dailyRecipientLimit: null } });
  });

  it('names the changed paths', () => {
    expect(changedPaths({ timeZone: 'X', messaging: { quietHours: { start: '22:00' } } })).toEqual([
      'timeZone',
      'messaging.quietHours.start',
    ]);
  });
});
