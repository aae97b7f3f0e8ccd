import { diffSettings, mergeSettings, readWorkspaceSettings } from './workspace-settings';

describe('workspace settings documents', () => {
  it('merges a change key by key at every depth, replacing lists and values whole', () => {
    expect(
      mergeSettings(
        { a: 1, list: [1, 2], nested: { x: 1, y: { p: 1, q: 2 } }, map: { k1: ['a'], k2: ['b'] } },
        { list: [3], nested: { y: { q: 9 } }, map: { k2: ['c'] } },
      ),
    ).toEqual({ a: 1, list: [3], nested: { x: 1, y: { p: 1, q: 9 } }, map: { k1: ['a'], k2: ['c'] } });
  });

  it('lists exactly the fields that differ, with their values before and after', () => {
    expect(diffSettings({ a: 1, b: { c: [1], d: 'x' } }, { a: 1, b: { c: [1, 2], d: 'x' }, e: true })).toEqual([
      { field: 'b.c', before: [1], after: [1, 2] },
      { field: 'e', before: null, after: true },
    ]);
  });

  it('falls back to the default of a stored value no longer valid, keeping every other setting', () => {
    const read = readWorkspaceSettings({
      timeZone: 'Europe/Rome',
      takeoverHours: -5,
      intents: { stop: ['basta'] },
      messaging: { dailyRecipientLimit: 1000, quietHours: { enabled: true, start: '25:99', end: '07:00' } },
    });
    expect(read.timeZone).toBe('Europe/Rome');
    expect(read.takeoverHours).toBe(12);
    expect(read.intents).toEqual({ stop: ['basta'] });
    expect(read.messaging.dailyRecipientLimit).toBe(1000);
    expect(read.messaging.quietHours).toEqual({ enabled: true, start: '21:00', end: '07:00' });
  });
});
