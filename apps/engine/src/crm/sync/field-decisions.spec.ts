import type { ContactFields } from '../connectors/crm-connector';
import { decideFields } from './field-decisions';

const fields = (over: Partial<ContactFields> = {}): ContactFields => ({
  firstName: 'Marta',
  lastName: 'Rossi',
  email: 'marta@example.com',
  phone: '+393331112222',
  ...over,
});

describe('decideFields', () => {
  it('takes a change made only in the CRM', () => {
    const d = decideFields({
      baseline: fields(),
      current: fields(),
      pending: {},
      remote: { fields: fields({ lastName: 'Bianchi' }), modifiedAt: 10 },
    });
    expect(d).toEqual({ applyLocally: { lastName: 'Bianchi' }, cancelPending: [], agreed: { lastName: 'Bianchi' }, conflicts: [] });
  });

  it('leaves a change made only in Parley to be pushed', () => {
    const d = decideFields({
      baseline: fields(),
      current: fields({ lastName: 'Verdi' }),
      pending: { lastName: { value: 'Verdi', changedAt: 5 } },
      remote: { fields: fields(), modifiedAt: 10 },
    });
    expect(d).toEqual({ applyLocally: {}, cancelPending: [], agreed: {}, conflicts: [] });
  });

  it('resolves a field changed on both sides to the later change by millisecond and records the conflict', () => {
    const base = { baseline: fields(), current: fields({ lastName: 'Verdi' }) };
    const remoteLater = decideFields({
      ...base,
      pending: { lastName: { value: 'Verdi', changedAt: 1000 } },
      remote: { fields: fields({ lastName: 'Bianchi' }), modifiedAt: 1001 },
    });
    expect(remoteLater.applyLocally).toEqual({ lastName: 'Bianchi' });
    expect(remoteLater.cancelPending).toEqual(['lastName']);
    expect(remoteLater.conflicts).toEqual([
      { field: 'lastName', localValue: 'Verdi', localChangedAt: 1000, remoteValue: 'Bianchi', remoteChangedAt: 1001, winner: 'remote' },
    ]);
    const localLater = decideFields({
      ...base,
      pending: { lastName: { value: 'Verdi', changedAt: 1002 } },
      remote: { fields: fields({ lastName: 'Bianchi' }), modifiedAt: 1001 },
    });
    expect(localLater.applyLocally).toEqual({});
    expect(localLater.cancelPending).toEqual([]);
    expect(localLater.conflicts[0]?.winner).toBe('local');
  });

  it('sees no conflict when both sides made the same change, and reads a record it never saw as remote changes', () => {
    const same = decideFields({
      baseline: fields(),
      current: fields({ email: 'new@example.com' }),
      pending: { email: { value: 'new@example.com', changedAt: 1 } },
      remote: { fields: fields({ email: 'new@example.com' }), modifiedAt: 2 },
    });
    expect(same).toEqual({ applyLocally: {}, cancelPending: ['email'], agreed: { email: 'new@example.com' }, conflicts: [] });
    const fresh = decideFields({
      baseline: {},
      current: fields({ firstName: null }),
      pending: {},
      remote: { fields: fields({ email: null }), modifiedAt: 3 },
    });
    expect(fresh.applyLocally).toEqual({ firstName: 'Marta' });
  });
});
